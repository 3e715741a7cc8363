import type { Pool } from 'pg';
import type { MfaReportFacts } from '../mfa-report/mfa-report.facts';
import { type MfaReportDetail, type MfaReportRow, reportDetailOf, reportRowOf } from '../mfa-report/mfa-report.row';
import { REPORT_VIEW } from '../database/mfa-report-tables';
import type { ListReportsQuery } from './list-reports.query';
import { encodeReportCursor, type ReportCursor } from './report-cursor';
import { type ReportFilters, reportFilterSql } from './report-filter.sql';

export interface MfaReportPage {
  items: MfaReportRow[];
  nextCursor: string | null;
}

/** Reads the MFA Report of one workspace; no query here can see another workspace's rows. */
export class MfaReportQueries {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  /** Newest first, keyed on (created_at, challenge_id), so rows added while paging never shift a page. */
  async list(workspaceId: string, query: ListReportsQuery): Promise<MfaReportPage> {
    const { where, params } = reportFilterSql(workspaceId, query, query.cursor);
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
    return {
      items: page.flatMap((row) => reportRowOf(row.facts) ?? []),
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
      const { where, params } = reportFilterSql(workspaceId, filters, before);
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

  async find(workspaceId: string, challengeId: string): Promise<MfaReportDetail | undefined> {
    const { rows } = await this.pool.query<{ facts: MfaReportFacts }>(
      `select facts from ${this.schema}.${REPORT_VIEW} where workspace_id = $1 and challenge_id = $2`,
      [workspaceId, challengeId],
    );
    const row = rows[0];
    return row ? reportDetailOf(row.facts) : undefined;
  }
}
