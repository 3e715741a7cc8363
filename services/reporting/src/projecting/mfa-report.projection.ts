import type { PoolClient } from 'pg';
import type { PgInbox } from '@pushmfa/messaging';
import { REPORT_TABLES_POINTER, reportTablesLockKey } from '../database/mfa-report-tables';
import type { ReportEvent } from '../mfa-report/mfa-report.events';
import { applyToReportTable } from './report-table.writer';

export const MFA_REPORT_CONSUMER = 'reporting.mfa-report';

/**
 * Applies challenge and delivery events to the MFA Report. The inbox record and the row change commit in
 * one transaction. While a rebuild runs, each event also goes to the table being built, so an event that
 * arrives after the rebuild read the topics' end is not lost when the rebuild switches tables.
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
    // Shared: a rebuild's pointer change waits for this transaction, and this one for a change in progress.
    await client.query('select pg_advisory_xact_lock_shared(hashtext($1))', [reportTablesLockKey(this.schema)]);
    const { rows } = await client.query<{ active_table: string; building_table: string | null }>(
      `select active_table, building_table from ${this.schema}.${REPORT_TABLES_POINTER}`,
    );
    const pointer = rows[0];
    if (!pointer) throw new Error('the MFA Report pointer row is missing; run the reporting migration');
    await applyToReportTable(client, this.schema, pointer.active_table, event);
    if (pointer.building_table) await applyToReportTable(client, this.schema, pointer.building_table, event);
  }
}
