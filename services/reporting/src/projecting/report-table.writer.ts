import type { PoolClient } from 'pg';
import { evolveReportFacts } from '../mfa-report/mfa-report.evolve';
import type { ReportEvent } from '../mfa-report/mfa-report.events';
import { initialReportFacts, type MfaReportFacts } from '../mfa-report/mfa-report.facts';
import { reportStatusOf } from '../mfa-report/mfa-report.status';

/**
 * Folds one event into its challenge's row of one read-model table. The row is locked while its facts are
 * merged, so events of one challenge applied from two partitions at once never lose a fact; applying the same
 * event twice changes nothing (evolve ignores an envelope id already on the timeline).
 */
export async function applyToReportTable(client: PoolClient, schema: string, table: string, event: ReportEvent): Promise<void> {
  const workspaceId = event.workspaceId;
  const challengeId = event.data.challengeId;
  const initial = initialReportFacts(workspaceId, challengeId);
  // Creating the row first means there is always a row to lock, even for the very first event.
  await client.query(
    `insert into ${schema}.${table} (workspace_id, challenge_id, status, facts) values ($1, $2, $3, $4)
     on conflict do nothing`,
    [workspaceId, challengeId, reportStatusOf(initial), initial],
  );
  const { rows } = await client.query<{ facts: MfaReportFacts }>(
    `select facts from ${schema}.${table} where workspace_id = $1 and challenge_id = $2 for update`,
    [workspaceId, challengeId],
  );
  const current = rows[0]?.facts ?? initial;
  const facts = evolveReportFacts(current, event);
  if (facts === current) return;
  await client.query(
    `update ${schema}.${table}
     set facts = $3, status = $4, user_id = $5, created_at = $6, updated_at = now()
     where workspace_id = $1 and challenge_id = $2`,
    [workspaceId, challengeId, facts, reportStatusOf(facts), facts.issued?.userId ?? facts.userId ?? null, facts.issued?.createdAt ?? null],
  );
}
