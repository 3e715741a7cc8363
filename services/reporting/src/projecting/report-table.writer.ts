import type { PoolClient } from 'pg';
import { evolveReportFacts } from '../mfa-report/mfa-report.evolve';
import type { ReportEvent } from '../mfa-report/mfa-report.events';
import { initialReportFacts, type MfaReportFacts } from '../mfa-report/mfa-report.facts';
import { reportStatusOf } from '../mfa-report/mfa-report.status';

/** The challenge's row as read `for update`; null when the table has none yet. */
export type LockedReportRow = { facts: MfaReportFacts } | null;

/**
 * Folds one event into its challenge's row of one read-model table. The row is locked while its facts are
 * merged, so events of one challenge applied from two partitions at once never lose a fact; applying the same
 * event twice changes nothing (evolve ignores an envelope id already on the timeline).
 *
 * `locked`: the row the caller already read `for update` in this transaction, which saves that round trip.
 * A challenge's first event inserts its row with the folded facts in one statement; when another transaction
 * inserted it first, the insert does nothing and the row is locked and merged like any other.
 */
export async function applyToReportTable(client: PoolClient, schema: string, table: string, event: ReportEvent, locked?: LockedReportRow): Promise<void> {
  const workspaceId = event.workspaceId;
  const challengeId = event.data.challengeId;
  let row = locked !== undefined ? locked : await lockReportRow(client, schema, table, workspaceId, challengeId);
  if (row === null) {
    const facts = evolveReportFacts(initialReportFacts(workspaceId, challengeId), event);
    const inserted = await client.query(
      `insert into ${schema}.${table} (workspace_id, challenge_id, status, facts, user_id, created_at) values ($1, $2, $3, $4, $5, $6)
       on conflict do nothing`,
      [workspaceId, challengeId, reportStatusOf(facts), facts, ...derivedColumns(facts)],
    );
    if (inserted.rowCount === 1) return;
    row = await lockReportRow(client, schema, table, workspaceId, challengeId);
  }
  const current = row?.facts ?? initialReportFacts(workspaceId, challengeId);
  const facts = evolveReportFacts(current, event);
  if (facts === current) return;
  await client.query(
    `update ${schema}.${table}
     set facts = $3, status = $4, user_id = $5, created_at = $6, updated_at = now()
     where workspace_id = $1 and challenge_id = $2`,
    [workspaceId, challengeId, facts, reportStatusOf(facts), ...derivedColumns(facts)],
  );
}

async function lockReportRow(client: PoolClient, schema: string, table: string, workspaceId: string, challengeId: string): Promise<LockedReportRow> {
  const { rows } = await client.query<{ facts: MfaReportFacts }>(
    `select facts from ${schema}.${table} where workspace_id = $1 and challenge_id = $2 for update`,
    [workspaceId, challengeId],
  );
  return rows[0] ?? null;
}

/** user_id and created_at, kept beside the facts for filtering and paging. */
function derivedColumns(facts: MfaReportFacts): [string | null, string | null] {
  return [facts.issued?.userId ?? facts.userId ?? null, facts.issued?.createdAt ?? null];
}
