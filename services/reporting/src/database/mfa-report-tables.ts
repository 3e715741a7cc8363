import type { PoolClient } from 'pg';

/** The first version of the read-model table; a rebuild creates `mfa_reports_v2`, `mfa_reports_v3`, ... */
export const FIRST_REPORT_TABLE = 'mfa_reports';

/** What the API reads: a view over whichever table is active, repointed in the transaction that switches tables. */
export const REPORT_VIEW = 'mfa_reports_current';

/** One row naming the active table and, while a rebuild runs, the table being built. */
export const REPORT_TABLES_POINTER = 'mfa_report_tables';

export function reportTableName(version: number): string {
  return version <= 1 ? FIRST_REPORT_TABLE : `${FIRST_REPORT_TABLE}_v${version}`;
}

export function reportTableVersion(table: string): number {
  const match = /^mfa_reports_v(\d+)$/.exec(table);
  return match ? Number(match[1]) : 1;
}

/**
 * Creates one version of the read-model table with its indexes, or brings an existing one up to date; every
 * version has the same columns in the same order (the view is repointed from one to the next). Idempotent.
 */
export async function createReportTable(client: PoolClient, schema: string, table: string): Promise<void> {
  // Facts are the truth; status, user and creation time are derived from them for filtering and paging.
  await client.query(`
    create table if not exists ${schema}.${table} (
      workspace_id text not null,
      challenge_id text not null,
      user_id text,
      status text not null,
      created_at timestamptz,
      facts jsonb not null,
      updated_at timestamptz not null default now(),
      primary key (workspace_id, challenge_id)
    )`);
  await client.query(`
    create index if not exists ${table}_newest on ${schema}.${table} (workspace_id, created_at desc, challenge_id desc)
    where created_at is not null`);
  await client.query(`
    create index if not exists ${table}_by_user on ${schema}.${table} (workspace_id, user_id, created_at desc, challenge_id desc)
    where created_at is not null`);
  // Without it a status filter walks the newest-first index past every row of other statuses (all of them for an absent one).
  await client.query(`
    create index if not exists ${table}_by_status on ${schema}.${table} (workspace_id, status, created_at desc, challenge_id desc)
    where created_at is not null`);
}

/** Points the API's view at `table`; callers run it inside the transaction that changes the pointer. */
export async function pointReportViewAt(client: PoolClient, schema: string, table: string): Promise<void> {
  await client.query(`create or replace view ${schema}.${REPORT_VIEW} as select * from ${schema}.${table}`);
}

/**
 * The advisory lock between the projection and a rebuild's pointer changes: each projection transaction holds it
 * shared, a pointer change holds it exclusive, so a change waits for the events in flight and every later event
 * reads the new pointer. An advisory lock, unlike `select ... for share`, writes nothing to the pointer row.
 */
export function reportTablesLockKey(schema: string): string {
  return `pushmfa-report-tables-${schema}`;
}
