import type { PoolClient } from 'pg';
import type { PgInbox } from '@pushmfa/messaging';
import { evolveReportFacts } from '../mfa-report/mfa-report.evolve';
import type { ReportEvent } from '../mfa-report/mfa-report.events';
import { initialReportFacts, type MfaReportFacts } from '../mfa-report/mfa-report.facts';
import { reportStatusOf } from '../mfa-report/mfa-report.status';

export const MFA_REPORT_CONSUMER = 'reporting.mfa-report';

/**
 * Applies challenge and delivery events to the MFA Report. The inbox record and the row change commit in
 * one transaction; the row is locked while its facts are merged, so events of one challenge consumed from
 * two partitions at once never lose a fact.
 */
export class MfaReportProjection {
  constructor(
    private readonly inbox: PgInbox,
    private readonly schema: string,
  ) {}

  async apply(event: ReportEvent): Promise<boolean> {
    return this.inbox.handleOnce(MFA_REPORT_CONSUMER, event.id, (client) => this.applyLocked(client, event));
  }

  private async applyLocked(client: PoolClient, event: ReportEvent): Promise<void> {
    const workspaceId = event.workspaceId;
    const challengeId = event.data.challengeId;
    const initial = initialReportFacts(workspaceId, challengeId);
    // Creating the row first means there is always a row to lock, even for the very first event.
    await client.query(
      `insert into ${this.schema}.mfa_reports (workspace_id, challenge_id, status, facts) values ($1, $2, $3, $4)
       on conflict do nothing`,
      [workspaceId, challengeId, reportStatusOf(initial), initial],
    );
    const { rows } = await client.query<{ facts: MfaReportFacts }>(
      `select facts from ${this.schema}.mfa_reports where workspace_id = $1 and challenge_id = $2 for update`,
      [workspaceId, challengeId],
    );
    const facts = evolveReportFacts(rows[0]?.facts ?? initial, event);
    await client.query(
      `update ${this.schema}.mfa_reports
       set facts = $3, status = $4, user_id = $5, created_at = $6, updated_at = now()
       where workspace_id = $1 and challenge_id = $2`,
      [workspaceId, challengeId, facts, reportStatusOf(facts), facts.issued?.userId ?? facts.userId ?? null, facts.issued?.createdAt ?? null],
    );
  }
}
