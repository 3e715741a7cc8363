import type { ReportCursor } from './report-cursor';

export interface ReportFilters {
  userId?: string;
  status?: string;
  from?: string;
  to?: string;
}

export interface ReportFilterSql {
  where: string;
  params: unknown[];
}

/**
 * The WHERE clause shared by the list and the CSV export: always one workspace, only rows whose ChallengeIssued
 * arrived, and, after `before`, only rows older than it in (created_at, challenge_id) order.
 */
export function reportFilterSql(workspaceId: string, filters: ReportFilters, before?: ReportCursor): ReportFilterSql {
  const params: unknown[] = [workspaceId];
  const where = ['workspace_id = $1', 'created_at is not null'];
  const add = (sql: (n: string) => string, value: unknown) => where.push(sql(`$${params.push(value)}`));
  if (filters.userId !== undefined) add((n) => `user_id = ${n}`, filters.userId);
  if (filters.status !== undefined) add((n) => `status = ${n}`, filters.status);
  if (filters.from !== undefined) add((n) => `created_at >= ${n}::timestamptz`, filters.from);
  if (filters.to !== undefined) add((n) => `created_at < ${n}::timestamptz`, filters.to);
  if (before !== undefined) {
    const at = `$${params.push(before.createdAt)}`;
    add((id) => `(created_at, challenge_id) < (${at}::timestamptz, ${id})`, before.challengeId);
  }
  return { where: where.join(' and '), params };
}
