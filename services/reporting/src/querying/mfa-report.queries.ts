import type { Pool } from 'pg';
import { namedQuery } from '@pushmfa/postgres';
import type { MfaReportFacts } from '../mfa-report/mfa-report.facts';
import { type MfaReportDetail, type MfaReportRow, reportDetailOf, reportRowOf } from '../mfa-report/mfa-report.row';
import { REPORT_VIEW } from '../database/mfa-report-tables';
import { DEVICE_HEALTH_TABLE } from '../database/device-health-table';
import { type KnownDevice, type MfaReportRowWithHealth, withDeviceHealth } from '../mfa-report/mfa-report.health';
import type { ListReportsQuery } from './list-reports.query';
import { encodeReportCursor, type ReportCursor } from './report-cursor';
import { type ReportFilters, reportFilterSql } from './report-filter.sql';

export interface MfaReportPage {
  items: MfaReportRowWithHealth[];
  nextCursor: string | null;
}

/** Reads the MFA Report of one workspace; no query here can see another workspace's rows. */
export class MfaReportQueries {
  /** The named statements' texts (`namedQuery`), built once: one report ($1 workspace, $2 challenge) and its devices' health ($2 ids). */
  private readonly findSql: string;
  private readonly deviceHealthSql: string;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {
    this.findSql = `select facts from ${schema}.${REPORT_VIEW} where workspace_id = $1 and challenge_id = $2`;
    this.deviceHealthSql = `select device_id, name, platform, health from ${schema}.${DEVICE_HEALTH_TABLE} where workspace_id = $1 and device_id = any($2::text[])`;
  }

  /** Newest first, keyed on (created_at, challenge_id), so rows added while paging never shift a page. */
  async list(workspaceId: string, query: ListReportsQuery): Promise<MfaReportPage> {
    const { where, params } = reportFilterSql(workspaceId, query, query.cursor, this.schema);
    const limit = `$${params.push(query.limit + 1)}`;
    const { rows } = await this.pool.query<{ facts: MfaReportFacts; cursor_at: string; challenge_id: string }>(
      `select facts, challenge_id, to_json(created_at) #>> '{}' as cursor_at from ${this.schema}.${REPORT_VIEW}
       where ${where}
       order by created_at desc, challenge_id desc
       limit ${limit}`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const items = page.flatMap((row) => reportRowOf(row.facts) ?? []);
    const known = await this.knownDevices(workspaceId, items);
    return {
      items: items.map((row) => withDeviceHealth(row, known)),
      nextCursor: rows.length > query.limit && last ? encodeReportCursor({ createdAt: last.cursor_at, challengeId: last.challenge_id }) : null,
    };
  }

  /**
   * Every matching row, newest first, one keyset-paged batch at a time: only one batch is ever in memory, and
   * the caller pulls the next batch only when it has written the previous one.
   */
  async *batches(workspaceId: string, filters: ReportFilters, batchSize: number): AsyncGenerator<MfaReportRow[]> {
    let before: ReportCursor | undefined;
    for (;;) {
      const { where, params } = reportFilterSql(workspaceId, filters, before, this.schema);
      const { rows } = await this.pool.query<{ facts: MfaReportFacts; cursor_at: string; challenge_id: string }>(
        `select facts, challenge_id, to_json(created_at) #>> '{}' as cursor_at from ${this.schema}.${REPORT_VIEW}
         where ${where}
         order by created_at desc, challenge_id desc
         limit $${params.push(batchSize)}`,
        params,
      );
      const last = rows[rows.length - 1];
      if (!last) return;
      yield rows.flatMap((row) => reportRowOf(row.facts) ?? []);
      if (rows.length < batchSize) return;
      before = { createdAt: last.cursor_at, challengeId: last.challenge_id };
    }
  }

  async find(workspaceId: string, challengeId: string): Promise<MfaReportRowWithHealth<MfaReportDetail> | undefined> {
    const { rows } = await this.pool.query<{ facts: MfaReportFacts }>(namedQuery(this.findSql, [workspaceId, challengeId]));
    const detail = rows[0] ? reportDetailOf(rows[0].facts) : undefined;
    return detail ? withDeviceHealth(detail, await this.knownDevices(workspaceId, [detail])) : undefined;
  }

  /** The name, platform and last health of the rows' devices, in one primary-key lookup. */
  private async knownDevices(workspaceId: string, rows: readonly MfaReportRow[]): Promise<Map<string, KnownDevice>> {
    const deviceIds = [...new Set(rows.flatMap((row) => row.devices.map((device) => device.deviceId)))];
    if (deviceIds.length === 0) return new Map();
    const { rows: found } = await this.pool.query<{ device_id: string; name: string | null; platform: string | null; health: KnownDevice['health'] | null }>(
      namedQuery(this.deviceHealthSql, [workspaceId, deviceIds]),
    );
    return new Map(
      found.map((row) => [
        row.device_id,
        { ...(row.name ? { name: row.name } : {}), ...(row.platform ? { platform: row.platform } : {}), ...(row.health ? { health: row.health } : {}) },
      ]),
    );
  }
}
