import type { PoolClient } from 'pg';
import { REPORT_TABLES_POINTER, reportTablesLockKey } from '../database/mfa-report-tables';
import type { ReportEvent } from '../mfa-report/mfa-report.events';
import { applyToReportTableBatch } from './report-table.writer';
import type { PgInbox } from '@pushmfa/postgres';

export const MFA_REPORT_CONSUMER = 'reporting.mfa-report';

/**
 * Applies challenge and delivery events to the MFA Report, a fetched batch at a time. The inbox records and the row
 * changes commit in one transaction. While a rebuild runs, each event also goes to the table being built, so an
 * event that arrives after the rebuild read the topics' end is not lost when the rebuild switches tables.
 */
export class MfaReportProjection {
  private readonly lockStatement: string;

  constructor(
    private readonly inbox: PgInbox,
    private readonly schema: string,
  ) {
    this.lockStatement = `select pg_advisory_xact_lock_shared(hashtext('${reportTablesLockKey(schema)}'))`;
  }

  /** Applies `event` once; false when it had been applied before. */
  async apply(event: ReportEvent): Promise<boolean> {
    return (await this.applyBatch([event])).length === 1;
  }

  /** Applies the events not applied before, in one transaction; returns those. */
  async applyBatch(events: readonly ReportEvent[]): Promise<ReportEvent[]> {
    // The shared lock first: a rebuild's pointer change waits for this transaction, and this one for a change in
    // progress; the pointer is read after the lock is granted. Both travel with the transaction's start and the inbox
    // record (one round trip).
    return this.inbox.handleBatchOnce(
      MFA_REPORT_CONSUMER,
      events,
      (event) => event.id,
      (client, fresh, [, pointerRead], deferred) => this.applyLocked(client, fresh, (pointerRead?.rows[0] as PointerRow | undefined) ?? null, deferred),
      { prelude: [this.lockStatement, `select active_table, building_table from ${this.schema}.${REPORT_TABLES_POINTER}`] },
    );
  }

  /** The row updates, whose results nothing reads, go with the COMMIT (`deferred`). */
  private async applyLocked(client: PoolClient, events: ReportEvent[], pointer: PointerRow | null, deferred: PoolClient): Promise<void> {
    if (!pointer) throw new Error('the MFA Report pointer row is missing; run the reporting migration');
    await applyToReportTableBatch(client, this.schema, pointer.active_table, events, deferred);
    if (pointer.building_table) await applyToReportTableBatch(client, this.schema, pointer.building_table, events, deferred);
  }
}

interface PointerRow {
  active_table: string;
  building_table: string | null;
}
