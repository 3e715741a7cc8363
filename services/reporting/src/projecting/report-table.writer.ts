import type { PoolClient } from 'pg';
import { evolveReportFacts } from '../mfa-report/mfa-report.evolve';
import type { ReportEvent } from '../mfa-report/mfa-report.events';
import { initialReportFacts, type MfaReportFacts } from '../mfa-report/mfa-report.facts';
import { reportStatusOf } from '../mfa-report/mfa-report.status';

type RowKey = string;
interface ChallengeRef {
  workspaceId: string;
  challengeId: string;
}

/**
 * Folds a batch of events into their challenges' rows of one read-model table, set-based: one statement locks the
 * rows the batch touches, the facts are folded in memory (evolve is pure and order-independent, and ignores an
 * envelope id already on the timeline, so applying an event twice changes nothing), one statement updates the rows
 * that changed and one inserts the challenges seen for the first time. The update goes on `deferred` when given (the
 * inbox's kept writes: it travels with the COMMIT).
 *
 * Rows are locked while their facts are merged, so events of one challenge applied from two partitions at once
 * (challenge and delivery topics) never lose a fact: when another transaction inserted a new challenge's row first,
 * the insert skips it, and that row is locked, folded again from what it holds and updated like any other.
 */
export async function applyToReportTableBatch(
  client: PoolClient,
  schema: string,
  table: string,
  events: readonly ReportEvent[],
  deferred: PoolClient = client,
): Promise<void> {
  if (events.length === 0) return;
  const byChallenge = new Map<RowKey, { ref: ChallengeRef; events: ReportEvent[] }>();
  for (const event of events) {
    const ref = { workspaceId: event.workspaceId, challengeId: event.data.challengeId };
    const key = rowKey(ref);
    const entry = byChallenge.get(key);
    if (entry) entry.events.push(event);
    else byChallenge.set(key, { ref, events: [event] });
  }
  const locked = await lockReportRows(
    client,
    schema,
    table,
    [...byChallenge.values()].map((entry) => entry.ref),
  );
  const updates: MfaReportFacts[] = [];
  const inserts: MfaReportFacts[] = [];
  for (const [key, { ref, events: ofChallenge }] of byChallenge) {
    const current = locked.get(key);
    const facts = fold(current ?? initialReportFacts(ref.workspaceId, ref.challengeId), ofChallenge);
    if (current === undefined) inserts.push(facts);
    else if (facts !== current) updates.push(facts);
  }
  // Inserted in key order too: two transactions inserting the same new challenges wait for each other in one order.
  inserts.sort((a, b) => (rowKey(a) < rowKey(b) ? -1 : 1));
  const inserted = await insertReportRows(client, schema, table, inserts);
  const raced = inserts.filter((facts) => !inserted.has(rowKey(facts)));
  if (raced.length > 0) {
    const lockedNow = await lockReportRows(client, schema, table, raced);
    for (const facts of raced) {
      const key = rowKey(facts);
      const current = lockedNow.get(key);
      if (!current) throw new Error(`MFA Report row ${key} was neither inserted nor found`);
      const merged = fold(current, byChallenge.get(key)!.events);
      if (merged !== current) updates.push(merged);
    }
  }
  await updateReportRows(deferred, schema, table, updates);
}

/** One event (the rebuild's replay and tests): the batch of one. */
export function applyToReportTable(client: PoolClient, schema: string, table: string, event: ReportEvent): Promise<void> {
  return applyToReportTableBatch(client, schema, table, [event]);
}

function fold(facts: MfaReportFacts, events: readonly ReportEvent[]): MfaReportFacts {
  return events.reduce(evolveReportFacts, facts);
}

function rowKey(ref: ChallengeRef): RowKey {
  return JSON.stringify([ref.workspaceId, ref.challengeId]);
}

async function lockReportRows(client: PoolClient, schema: string, table: string, refs: readonly ChallengeRef[]): Promise<Map<RowKey, MfaReportFacts>> {
  // Locked in key order, so two transactions locking overlapping sets cannot deadlock.
  const sorted = [...refs].sort((a, b) => (rowKey(a) < rowKey(b) ? -1 : 1));
  const { rows } = await client.query<{ facts: MfaReportFacts }>(
    `select t.facts from ${schema}.${table} t
       join unnest($1::text[], $2::text[]) with ordinality as k(workspace_id, challenge_id, n)
         on t.workspace_id = k.workspace_id and t.challenge_id = k.challenge_id
      order by k.n for update of t`,
    [sorted.map((ref) => ref.workspaceId), sorted.map((ref) => ref.challengeId)],
  );
  return new Map(rows.map((row) => [rowKey(row.facts), row.facts]));
}

/** Inserts the rows of challenges not seen before; returns the keys it inserted (a concurrent insert wins the others). */
async function insertReportRows(client: PoolClient, schema: string, table: string, rows: readonly MfaReportFacts[]): Promise<Set<RowKey>> {
  if (rows.length === 0) return new Set();
  const { rows: inserted } = await client.query<{ workspace_id: string; challenge_id: string }>(
    `insert into ${schema}.${table} (workspace_id, challenge_id, status, facts, user_id, created_at)
     select r.workspace_id, r.challenge_id, r.status, r.facts, r.user_id, r.created_at
       from jsonb_to_recordset($1::jsonb) as r(workspace_id text, challenge_id text, status text, facts jsonb, user_id text, created_at timestamptz)
     on conflict do nothing
     returning workspace_id, challenge_id`,
    [JSON.stringify(rows.map(reportRowOf))],
  );
  return new Set(inserted.map((row) => rowKey({ workspaceId: row.workspace_id, challengeId: row.challenge_id })));
}

/**
 * The batch update: its keys as arrays and each row's columns picked from the JSON array by position, so the planner
 * knows how many rows it updates and goes through the primary key. A join with jsonb_to_recordset, which it counts as
 * 100 rows, hashed the whole table instead while it held fewer than some 30,000 rows. $1: the rows (reportRowOf), $2 and
 * $3: their workspace and challenge ids, in the same order.
 */
export function updateReportRowsSql(schema: string, table: string): string {
  return `update ${schema}.${table} t
        set facts = r.facts, status = r.status, user_id = r.user_id, created_at = r.created_at, updated_at = now()
       from unnest($2::text[], $3::text[]) with ordinality as k(workspace_id, challenge_id, n)
      cross join lateral jsonb_to_record($1::jsonb -> (k.n::int - 1)) as r(status text, facts jsonb, user_id text, created_at timestamptz)
      where t.workspace_id = k.workspace_id and t.challenge_id = k.challenge_id`;
}

async function updateReportRows(client: PoolClient, schema: string, table: string, rows: readonly MfaReportFacts[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(updateReportRowsSql(schema, table), [
    JSON.stringify(rows.map(reportRowOf)),
    rows.map((facts) => facts.workspaceId),
    rows.map((facts) => facts.challengeId),
  ]);
}

/** A row's columns: the facts and what is derived from them for filtering and paging. */
function reportRowOf(facts: MfaReportFacts) {
  const [userId, createdAt] = derivedColumns(facts);
  return { workspace_id: facts.workspaceId, challenge_id: facts.challengeId, status: reportStatusOf(facts), facts, user_id: userId, created_at: createdAt };
}

/** user_id and created_at, kept beside the facts for filtering and paging. */
function derivedColumns(facts: MfaReportFacts): [string | null, string | null] {
  return [facts.issued?.userId ?? facts.userId ?? null, facts.issued?.createdAt ?? null];
}
