import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { createTestNamespace, preparedStatementPlans, type TestNamespace } from '@pushmfa/testing';
import { FIRST_REPORT_TABLE } from '../database/mfa-report-tables';
import { migrateReportingSchema } from '../database/reporting-schema.migration';
import type { ReportEvent } from '../mfa-report/mfa-report.events';
import { applyToReportTableBatch, updateReportRowsSql } from './report-table.writer';

jest.setTimeout(60_000);

const SCHEMA = 'reporting';
let ns: TestNamespace;
let pool: Pool;

beforeAll(async () => {
  ns = await createTestNamespace('reporting-table-writer');
  pool = new Pool({ connectionString: ns.databaseUrl, max: 2 });
  await migrateReportingSchema(pool, SCHEMA);
});

afterAll(async () => {
  await pool?.end();
  await ns?.dispose();
});

function event(type: string, challengeId: string, data: Record<string, unknown> = {}): ReportEvent {
  return {
    id: randomUUID(),
    type,
    version: 1,
    occurredAt: new Date().toISOString(),
    workspaceId: 'ws-plan',
    streamId: `challenge-${challengeId}`,
    correlationId: 'corr',
    data: { challengeId, userId: 'alice', ...data },
  } as unknown as ReportEvent;
}

async function applied(events: ReportEvent[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await applyToReportTableBatch(client, SCHEMA, FIRST_REPORT_TABLE, events);
    await client.query('commit');
  } finally {
    client.release();
  }
}

describe('the MFA Report table writer', () => {
  it('updates the rows of a batch, each with its own facts', async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    const issuedAt = new Date().toISOString();
    await applied([
      event('ChallengeIssued', first, { expiresAt: issuedAt, devices: [] }),
      event('ChallengeIssued', second, { expiresAt: issuedAt, devices: [] }),
    ]);
    await applied([event('ChallengeApproved', second, { deviceId: 'phone' }), event('ChallengeDenied', first, { deviceId: 'phone', reason: 'user' })]);
    const { rows } = await pool.query<{ challenge_id: string; status: string }>(
      `select challenge_id, status from ${SCHEMA}.${FIRST_REPORT_TABLE} where challenge_id = any($1) order by status`,
      [[first, second]],
    );
    expect(rows).toEqual([
      { challenge_id: first, status: 'denied' },
      { challenge_id: second, status: 'success' },
    ]);
  });

  it("updates a batch's rows through the primary key, not by scanning a table of a few thousand rows", async () => {
    // A young deployment's report (and a benchmark's): 5,000 rows, analysed.
    await pool.query(
      `insert into ${SCHEMA}.${FIRST_REPORT_TABLE} (workspace_id, challenge_id, status, facts, user_id, created_at)
       select 'ws-plan', gen_random_uuid()::text, 'pending', '{}', 'u' || i, now() from generate_series(1, 5000) i`,
    );
    await pool.query(`analyze ${SCHEMA}.${FIRST_REPORT_TABLE}`);
    const ids = [randomUUID(), randomUUID()];
    const rows = JSON.stringify(ids.map(() => ({ status: 'approved', facts: {}, user_id: 'u', created_at: new Date() })));
    // Both plans the server may run a prepared statement with: one for these values, and the generic one.
    const plans = await preparedStatementPlans(
      pool,
      updateReportRowsSql(SCHEMA, FIRST_REPORT_TABLE),
      'jsonb, text[], text[]',
      `'${rows}', '{ws-plan,ws-plan}', '{${ids.join(',')}}'`,
    );
    for (const { mode, plan } of plans)
      expect({ mode, seqScan: plan.includes('"Seq Scan"'), primaryKey: plan.includes(`"${FIRST_REPORT_TABLE}_pkey"`) }).toEqual({
        mode,
        seqScan: false,
        primaryKey: true,
      });
    expect(plans).toHaveLength(2);
  });
});
