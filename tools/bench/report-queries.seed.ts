import type { Client } from 'pg';

/** The workspace holding most rows; every query of the bench reads it, as the busiest customer's admin would. */
export const BIG_WORKSPACE = 'ws-bench-big';
const BIG_WORKSPACE_SHARE = 0.8;
const SMALL_WORKSPACES = 9;
const BIG_WORKSPACE_USERS = 50_000;
const SMALL_WORKSPACE_USERS = 1_000;
const SEED_BATCH_ROWS = 100_000;

export interface SeedResult {
  table: string;
  rows: number;
  /** When the newest row may have been created: rows are spread over the 30 days before it. */
  now: string;
  insertMs: number;
  indexMs: number;
  analyzeMs: number;
}

/**
 * Fills the active read-model table (as the reporting migration created it) with `rows` challenges in the shape
 * the projection writes: facts with issued context, devices, resolution and timeline, plus the derived columns.
 * The status mix, latencies and 30-day spread are those of a healthy production workspace. The table's secondary
 * indexes are dropped during the load and recreated from their own definitions, which is much faster than
 * maintaining them row by row and leaves the same indexes behind.
 */
export async function seedReportRows(client: Client, schema: string, rows: number, log: (message: string) => void): Promise<SeedResult> {
  const table = await activeReportTable(client, schema);
  const now = new Date().toISOString();
  await client.query('set synchronous_commit = off');
  await client.query("set maintenance_work_mem = '256MB'");
  const indexes = await secondaryIndexes(client, schema, table);
  for (const index of indexes) await client.query(`drop index ${schema}.${index.name}`);

  const insertStarted = performance.now();
  for (let done = 0; done < rows; done += SEED_BATCH_ROWS) {
    const batch = Math.min(SEED_BATCH_ROWS, rows - done);
    await client.query(seedSql(schema, table), [batch, now]);
    log(`seeded ${done + batch} of ${rows} rows`);
  }
  const insertMs = performance.now() - insertStarted;

  const indexStarted = performance.now();
  for (const index of indexes) await client.query(index.definition);
  const indexMs = performance.now() - indexStarted;

  const analyzeStarted = performance.now();
  await client.query(`vacuum analyze ${schema}.${table}`);
  const analyzeMs = performance.now() - analyzeStarted;
  return { table, rows, now, insertMs, indexMs, analyzeMs };
}

async function activeReportTable(client: Client, schema: string): Promise<string> {
  const { rows } = await client.query<{ active_table: string }>(`select active_table from ${schema}.mfa_report_tables`);
  const table = rows[0]?.active_table;
  if (!table) throw new Error('the reporting migration left no active MFA Report table');
  return table;
}

/** Every index but the primary key, which the load needs and which stays in place. */
async function secondaryIndexes(client: Client, schema: string, table: string): Promise<{ name: string; definition: string }[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `select i.indexname as name, i.indexdef as definition
     from pg_indexes i
     where i.schemaname = $1 and i.tablename = $2
       and not exists (select 1 from pg_constraint c where c.conname = i.indexname and c.contype = 'p')`,
    [schema, table],
  );
  return rows;
}

/**
 * One batch of $1 rows, created over the 30 days before $2. Status mix: 78 % success, 4 % denied (a tenth of them
 * reported as fraud), 13 % expired, 2 % cancelled, 3 % failed; as in production, only the few challenges issued in
 * the last two minutes are still pending, delivered or received (the rest of those 5 % expired), so filtering on
 * one of those statuses finds almost nothing.
 */
function seedSql(schema: string, table: string): string {
  const iso = (column: string) => `to_char((${column}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  return `
    with draws as (
      select random() as w, random() as s, random() as u, random() as t, random() as d1, random() as d2, random() as c
      from generate_series(1, $1::int)
    ), base as (
      select case when w < ${BIG_WORKSPACE_SHARE} then '${BIG_WORKSPACE}'
                  else 'ws-bench-' || (1 + floor((w - ${BIG_WORKSPACE_SHARE}) / ${1 - BIG_WORKSPACE_SHARE} * ${SMALL_WORKSPACES})::int) end as workspace_id,
             gen_random_uuid()::text as challenge_id,
             'user-' || floor(u * case when w < ${BIG_WORKSPACE_SHARE} then ${BIG_WORKSPACE_USERS} else ${SMALL_WORKSPACE_USERS} end)::int as user_id,
             case when s < 0.78 then 'success' when s < 0.82 then 'denied' when s < 0.90 then 'expired' when s < 0.92 then 'cancelled'
                  when s < 0.95 then 'failed'
                  -- a challenge still in flight was issued in the last two minutes; an older one expired unanswered
                  when t * interval '30 days' > interval '2 minutes' then 'expired'
                  when s < 0.98 then 'delivered' when s < 0.99 then 'received' else 'pending' end as status,
             date_trunc('milliseconds', $2::timestamptz - t * interval '30 days') as created_at,
             (150 + floor(d1 * d1 * 3000))::int as dispatch_ms,
             (2000 + floor(d2 * d2 * 40000))::int as answer_ms,
             c
      from draws
    ), timed as (
      select *, 'dev-' || left(md5(workspace_id || user_id), 16) as device_id,
             ${iso('created_at')} as created_text,
             ${iso("created_at + interval '2 minutes'")} as expires_text,
             ${iso("created_at + dispatch_ms * interval '1 millisecond'")} as dispatched_text,
             ${iso("created_at + (dispatch_ms + answer_ms / 2) * interval '1 millisecond'")} as received_text,
             ${iso("created_at + (dispatch_ms + answer_ms) * interval '1 millisecond'")} as answered_text,
             status in ('success', 'denied', 'expired', 'cancelled', 'delivered', 'received') as dispatched,
             status in ('success', 'denied', 'received') as received,
             status = 'denied' and c < 0.1 as fraud
      from base
    ), shaped as (
      select *,
             case status
               when 'success' then jsonb_build_object('outcome', 'success', 'at', answered_text, 'deviceId', device_id)
               when 'denied' then jsonb_build_object('outcome', 'denied', 'at', answered_text, 'deviceId', device_id)
               when 'expired' then jsonb_build_object('outcome', 'expired', 'at', expires_text)
               when 'cancelled' then jsonb_build_object('outcome', 'cancelled', 'at', answered_text)
             end as resolution,
             case when dispatched then jsonb_build_object(device_id, jsonb_build_object('dispatchedAt', dispatched_text))
                  when status = 'failed' then jsonb_build_object(device_id, jsonb_build_object('attemptFailedAt', dispatched_text, 'failedAt', answered_text))
                  else '{}'::jsonb end as devices,
             jsonb_build_array(jsonb_build_object('eventId', gen_random_uuid(), 'type', 'ChallengeIssued', 'at', created_text,
                                                  'detail', jsonb_build_object('expiresAt', expires_text, 'devices', 1)))
             || case when dispatched then jsonb_build_array(jsonb_build_object('eventId', gen_random_uuid(), 'type', 'PushDispatched', 'at', dispatched_text,
                      'deviceId', device_id, 'detail', jsonb_build_object('provider', 'fcm', 'attempt', 1, 'latencyMs', dispatch_ms))) else '[]'::jsonb end
             || case when status = 'failed' then jsonb_build_array(jsonb_build_object('eventId', gen_random_uuid(), 'type', 'PushFailed', 'at', answered_text,
                      'deviceId', device_id, 'detail', jsonb_build_object('provider', 'fcm', 'attempt', 3, 'reason', 'unavailable'))) else '[]'::jsonb end
             || case when received then jsonb_build_array(jsonb_build_object('eventId', gen_random_uuid(), 'type', 'ChallengeReceived', 'at', received_text,
                      'deviceId', device_id)) else '[]'::jsonb end
             || case status
                  when 'success' then jsonb_build_array(jsonb_build_object('eventId', gen_random_uuid(), 'type', 'ChallengeApproved', 'at', answered_text, 'deviceId', device_id))
                  when 'denied' then jsonb_build_array(jsonb_build_object('eventId', gen_random_uuid(), 'type', 'ChallengeDenied', 'at', answered_text,
                                                      'deviceId', device_id, 'detail', jsonb_build_object('reason', 'not_me')))
                  when 'expired' then jsonb_build_array(jsonb_build_object('eventId', gen_random_uuid(), 'type', 'ChallengeExpired', 'at', expires_text))
                  when 'cancelled' then jsonb_build_array(jsonb_build_object('eventId', gen_random_uuid(), 'type', 'ChallengeCancelled', 'at', answered_text))
                  else '[]'::jsonb end
             || case when fraud then jsonb_build_array(jsonb_build_object('eventId', gen_random_uuid(), 'type', 'FraudReported', 'at', answered_text,
                      'deviceId', device_id, 'detail', jsonb_build_object('lockedUntil', null))) else '[]'::jsonb end as timeline
      from timed
    )
    insert into ${schema}.${table} (workspace_id, challenge_id, user_id, status, created_at, facts)
    select workspace_id, challenge_id, user_id, status, created_at,
           jsonb_strip_nulls(jsonb_build_object(
             'workspaceId', workspace_id, 'challengeId', challenge_id, 'userId', user_id,
             'issued', jsonb_build_object('userId', user_id, 'createdAt', created_text, 'expiresAt', expires_text,
                                          'targetDeviceIds', jsonb_build_array(device_id),
                                          'context', jsonb_build_object('ipAddress', '203.0.113.' || (1 + floor(c * 250)::int),
                                                                        'location', 'Lyon, FR',
                                                                        'userAgent', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15',
                                                                        'application', 'Corporate VPN')),
             'devices', devices,
             'receivedAt', case when received then received_text end,
             'resolution', resolution,
             'fraudReported', fraud)) || jsonb_build_object('timeline', timeline)
    from shaped`;
}
