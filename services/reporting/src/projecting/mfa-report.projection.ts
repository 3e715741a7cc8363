import type { PoolClient, QueryResult } from 'pg';
import { REPORT_TABLES_POINTER, REPORT_VIEW, reportTablesLockKey } from '../database/mfa-report-tables';
import type { ReportEvent } from '../mfa-report/mfa-report.events';
import type { MfaReportFacts } from '../mfa-report/mfa-report.facts';
import { applyToReportTable } from './report-table.writer';
import type { PgInbox } from '@pushmfa/postgres';

export const MFA_REPORT_CONSUMER = 'reporting.mfa-report';

/**
 * Applies challenge and delivery events to the MFA Report. The inbox record and the row change commit in
 * one transaction. While a rebuild runs, each event also goes to the table being built, so an event that
 * arrives after the rebuild read the topics' end is not lost when the rebuild switches tables.
 */
export class MfaReportProjection {
  private readonly lockStatement: string;

  constructor(
    private readonly inbox: PgInbox,
    private readonly schema: string,
  ) {
    this.lockStatement = `select pg_advisory_xact_lock_shared(hashtext('${reportTablesLockKey(schema)}'))`;
  }

  async apply(event: ReportEvent): Promise<boolean> {
    return this.inbox.handleOnce(MFA_REPORT_CONSUMER, event.id, (client) => this.applyLocked(client, event));
  }

  private async applyLocked(client: PoolClient, event: ReportEvent): Promise<void> {
    // One round trip for three statements (the simple protocol, so values go in as escaped literals). Shared lock
    // first: a rebuild's pointer change waits for this transaction, and this one for a change in progress. Each
    // statement of the batch reads with a snapshot taken after the previous one ran, so the pointer and the row are
    // read after the lock is granted; the view always names the active table (it is repointed with the pointer).
    const results = (await client.query(
      `${this.lockStatement};
       select active_table, building_table from ${this.schema}.${REPORT_TABLES_POINTER};
       select facts from ${this.schema}.${REPORT_VIEW}
       where workspace_id = ${client.escapeLiteral(event.workspaceId)} and challenge_id = ${client.escapeLiteral(event.data.challengeId)} for update`,
    )) as unknown as [QueryResult, QueryResult<{ active_table: string; building_table: string | null }>, QueryResult<{ facts: MfaReportFacts }>];
    const pointer = results[1].rows[0];
    if (!pointer) throw new Error('the MFA Report pointer row is missing; run the reporting migration');
    await applyToReportTable(client, this.schema, pointer.active_table, event, results[2].rows[0] ?? null);
    if (pointer.building_table) await applyToReportTable(client, this.schema, pointer.building_table, event);
  }
}
