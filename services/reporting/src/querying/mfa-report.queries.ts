import type { Pool } from 'pg';
import type { MfaReportFacts } from '../mfa-report/mfa-report.facts';
import { type MfaReportDetail, type MfaReportRow, reportDetailOf, reportRowOf } from '../mfa-report/mfa-report.row';
import type { ListReportsQuery } from './list-reports.query';
import { encodeReportCursor } from './report-cursor';

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
    const params: unknown[] = [workspaceId];
    const where = ['workspace_id = $1', 'created_at is not null'];
    const add = (sql: (n: string) => string, value: unknown) => where.push(sql(`$${params.push(value)}`));
    if (query.userId !== undefined) add((n) => `user_id = ${n}`, query.userId);
    if (query.status !== undefined) add((n) => `status = ${n}`, query.status);
    if (query.from !== undefined) add((n) => `created_at >= ${n}::timestamptz`, query.from);
    if (query.to !== undefined) add((n) => `created_at < ${n}::timestamptz`, query.to);
    if (query.cursor !== undefined) {
      const at = `$${params.push(query.cursor.createdAt)}`;
      add((id) => `(created_at, challenge_id) < (${at}::timestamptz, ${id})`, query.cursor.challengeId);
    }
    const limit = `$${params.push(query.limit + 1)}`;
    const { rows } = await this.pool.query<{ facts: MfaReportFacts; cursor_at: string; challenge_id: string }>(
      `select facts, challenge_id, to_json(created_at) #>> '{}' as cursor_at from ${this.schema}.mfa_reports
       where ${where.join(' and ')}
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

  async find(workspaceId: string, challengeId: string): Promise<MfaReportDetail | undefined> {
    const { rows } = await this.pool.query<{ facts: MfaReportFacts }>(
      `select facts from ${this.schema}.mfa_reports where workspace_id = $1 and challenge_id = $2`,
      [workspaceId, challengeId],
    );
    const row = rows[0];
    return row ? reportDetailOf(row.facts) : undefined;
  }
}
