import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Pool } from 'pg';
import { createTestNamespace, type TestNamespace } from '@pushmfa/testing';
import { MfaReportQueries } from '../querying/mfa-report.queries';
import { MfaReportSummaryQueries } from '../querying/mfa-report-summary.queries';
import { migrateReportingSchema } from './reporting-schema.migration';

const SCHEMA = 'reporting';
const WORKSPACE = 'ws-upgrade';

/** The read model as the first release created it: no latency columns, two indexes. */
async function createFirstReleaseReadModel(pool: Pool): Promise<void> {
  await pool.query(`
    create schema ${SCHEMA};
    create table ${SCHEMA}.mfa_report_tables (singleton boolean primary key default true check (singleton), active_table text not null, building_table text);
    insert into ${SCHEMA}.mfa_report_tables (active_table) values ('mfa_reports');
    create table ${SCHEMA}.mfa_reports (
      workspace_id text not null, challenge_id text not null, user_id text, status text not null, created_at timestamptz,
      facts jsonb not null, updated_at timestamptz not null default now(), primary key (workspace_id, challenge_id));
    create index mfa_reports_newest on ${SCHEMA}.mfa_reports (workspace_id, created_at desc, challenge_id desc) where created_at is not null;
    create view ${SCHEMA}.mfa_reports_current as select * from ${SCHEMA}.mfa_reports;`);
}

/** A challenge issued at second `at` past noon, delivered 2 s later and approved 7 s after issue. */
async function insertApprovedChallenge(pool: Pool, challengeId: string, at: number): Promise<void> {
  const instant = (seconds: number) => new Date(Date.UTC(2025, 0, 1, 12, 0, seconds)).toISOString();
  const facts = {
    workspaceId: WORKSPACE,
    challengeId,
    issued: { userId: 'ines', createdAt: instant(at), expiresAt: instant(at + 120), context: {}, targetDeviceIds: ['d1'] },
    devices: { d1: { dispatchedAt: instant(at + 2) } },
    receivedAt: instant(at + 3),
    resolution: { outcome: 'success', at: instant(at + 7), deviceId: 'd1' },
    fraudReported: false,
    timeline: [],
  };
  await pool.query(
    `insert into ${SCHEMA}.mfa_reports_current (workspace_id, challenge_id, user_id, status, created_at, facts) values ($1, $2, 'ines', 'success', $3, $4)`,
    [WORKSPACE, challengeId, instant(at), facts],
  );
}

describe('reporting schema migration', () => {
  let namespace: TestNamespace;
  let pool: Pool;

  beforeAll(async () => {
    namespace = await createTestNamespace('reportupgrade');
    pool = new Pool({ connectionString: namespace.databaseUrl, max: 3 });
    await createFirstReleaseReadModel(pool);
    await insertApprovedChallenge(pool, 'before-upgrade', 0);
    await migrateReportingSchema(pool, SCHEMA);
  });

  afterAll(async () => {
    await pool?.end();
    await namespace?.dispose();
  });

  it('summarizes the challenges written before an upgrade like those written after it', async () => {
    await insertApprovedChallenge(pool, 'after-upgrade', 60);
    const summary = await new MfaReportSummaryQueries(pool, SCHEMA).summarize(WORKSPACE, {});
    expect(summary.total).toBe(2);
    expect(summary.counts.success).toBe(2);
    expect(summary.latencyMs.issueToDelivered).toEqual({ count: 2, p50: 2000, p95: 2000, p99: 2000 });
    expect(summary.latencyMs.issueToResolved).toEqual({ count: 2, p50: 7000, p95: 7000, p99: 7000 });
  });

  it('keeps listing newest first across the upgrade, and a second start changes nothing', async () => {
    await migrateReportingSchema(pool, SCHEMA);
    const page = await new MfaReportQueries(pool, SCHEMA).list(WORKSPACE, { limit: 10, status: 'success' });
    expect(page.items.map((row) => row.challengeId)).toEqual(['after-upgrade', 'before-upgrade']);
  });
});
