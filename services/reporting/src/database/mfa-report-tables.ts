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
 * Columns added after the first release, in the order they were added: appended to the tables created before
 * them, so every version keeps the same column order (the view is repointed from one to the next). Derived by
 * PostgreSQL on every write, so the summary reads two instants instead of every row's facts.
 */
const ADDED_COLUMNS = (schema: string) => [
  { name: 'delivered_at', definition: `timestamptz generated always as (${schema}.report_first_dispatch_at(facts)) stored` },
  { name: 'resolved_at', definition: `timestamptz generated always as (${schema}.report_resolved_at(facts)) stored` },
  // The report's filters on facts (fraudReported, application, ipAddress, deviceId), each with an index below.
  { name: 'fraud_reported', definition: `boolean generated always as (coalesce((facts ->> 'fraudReported')::boolean, false)) stored` },
  { name: 'application', definition: `text generated always as (facts #>> '{issued,context,application}') stored` },
  { name: 'ip_address', definition: `text generated always as (facts #>> '{issued,context,ipAddress}') stored` },
  { name: 'device_ids', definition: `text[] generated always as (${schema}.report_device_ids(facts)) stored` },
  // The identity pool and factor of the request (filters poolId and factor): before pools, `default` and `second`.
  { name: 'pool_id', definition: `text generated always as (coalesce(facts #>> '{issued,poolId}', 'default')) stored` },
  { name: 'factor', definition: `text generated always as (coalesce(facts #>> '{issued,factor}', 'second')) stored` },
];

const INDEXES = (table: string) => [
  { name: `${table}_newest`, definition: '(workspace_id, created_at desc, challenge_id desc) where created_at is not null' },
  { name: `${table}_by_user`, definition: '(workspace_id, user_id, created_at desc, challenge_id desc) where created_at is not null' },
  // Without it a status filter walks the newest-first index past every row of other statuses (all of them for a rare one).
  { name: `${table}_by_status`, definition: '(workspace_id, status, created_at desc, challenge_id desc) where created_at is not null' },
  // The summary reads a window of a workspace from this index alone (an index-only scan), never the facts.
  { name: `${table}_window`, definition: '(workspace_id, created_at) include (status, delivered_at, resolved_at) where created_at is not null' },
  // Fraud reports are rare: only their rows, newest first (fraudReported=false reads the newest-first index).
  { name: `${table}_fraud`, definition: '(workspace_id, created_at desc, challenge_id desc) where created_at is not null and fraud_reported' },
  { name: `${table}_by_application`, definition: '(workspace_id, application, created_at desc, challenge_id desc) where created_at is not null' },
  { name: `${table}_by_ip`, definition: '(workspace_id, ip_address, created_at desc, challenge_id desc) where created_at is not null' },
  // deviceId and health filters: the rows naming any of some devices (device ids are unique across workspaces).
  { name: `${table}_by_device`, definition: 'using gin (device_ids) where created_at is not null' },
  // A pool's requests, first or second factor, newest first (factor alone reads the pool's or the newest-first index).
  { name: `${table}_by_pool`, definition: '(workspace_id, pool_id, factor, created_at desc, challenge_id desc) where created_at is not null' },
];

/**
 * Creates one version of the read-model table with its indexes, or gives an existing one the columns and indexes
 * added since it was created. Only what is missing is changed: on a table already up to date this takes no lock
 * that would hold up the projection or the API.
 */
export async function createReportTable(client: PoolClient, schema: string, table: string): Promise<void> {
  await createReportInstantFunctions(client, schema);
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
  const { rows: columns } = await client.query<{ name: string }>(
    'select column_name as name from information_schema.columns where table_schema = $1 and table_name = $2',
    [schema, table],
  );
  const missingColumns = ADDED_COLUMNS(schema).filter((column) => !columns.some((existing) => existing.name === column.name));
  if (missingColumns.length > 0) {
    // Rewrites the table once, computing the new columns for every row.
    await client.query(`alter table ${schema}.${table} ${missingColumns.map((column) => `add column ${column.name} ${column.definition}`).join(', ')}`);
  }
  const { rows: indexes } = await client.query<{ name: string }>('select indexname as name from pg_indexes where schemaname = $1 and tablename = $2', [
    schema,
    table,
  ]);
  for (const index of INDEXES(table).filter((wanted) => !indexes.some((existing) => existing.name === wanted.name))) {
    await client.query(`create index ${index.name} on ${schema}.${table} ${index.definition}`);
  }
}

/**
 * The instants the generated columns hold. PostgreSQL wants generated columns immutable, and reading text as
 * timestamptz is only stable because a text without an offset depends on the session's time zone; every instant
 * in the facts comes from a contract timestamp, which always carries its offset, so the reading never changes.
 * Created once: replacing a function other sessions use would rewrite its catalog row for nothing.
 */
async function createReportInstantFunctions(client: PoolClient, schema: string): Promise<void> {
  const { rows } = await client.query<{ present: boolean }>(
    `select to_regprocedure('${schema}.report_first_dispatch_at(jsonb)') is not null and to_regprocedure('${schema}.report_resolved_at(jsonb)') is not null
            and to_regprocedure('${schema}.report_device_ids(jsonb)') is not null as present`,
  );
  if (rows[0]?.present) return;
  await client.query(`
    create or replace function ${schema}.report_first_dispatch_at(facts jsonb) returns timestamptz
    language sql immutable parallel safe
    as $$ select min((device.value ->> 'dispatchedAt')::timestamptz) from jsonb_each(facts -> 'devices') as device $$`);
  await client.query(`
    create or replace function ${schema}.report_resolved_at(facts jsonb) returns timestamptz
    language sql immutable parallel safe
    as $$ select (facts #>> '{resolution,at}')::timestamptz $$`);
  // The devices a row names: those the challenge targeted and any a delivery event named.
  await client.query(`
    create or replace function ${schema}.report_device_ids(facts jsonb) returns text[]
    language sql immutable parallel safe
    as $$ select array(select jsonb_array_elements_text(coalesce(facts #> '{issued,targetDeviceIds}', '[]'::jsonb))
                       union select jsonb_object_keys(coalesce(facts -> 'devices', '{}'::jsonb))) $$`);
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
