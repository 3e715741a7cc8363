import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { topicName } from '@pushmfa/contracts';
import { migrateReportingSchema } from '../database/reporting-schema.migration';
import { replayReportEvents } from './report-replay';
import { ReportTableSwitch } from './report-table-switch';

type Log = (level: 'error' | 'warn' | 'info', message: string, extra?: Record<string, unknown>) => void;

export interface RebuildMfaReportOptions {
  pool: Pool;
  kafka: Kafka;
  schema: string;
  topicPrefix: string;
  log: Log;
}

export interface RebuildResult {
  /** The table the API now reads and the projection now writes. */
  table: string;
  retiredTable: string;
  events: number;
}

/**
 * Replays every retained challenge and delivery event into a fresh versioned table, then switches the API and
 * the live projection to it in one transaction and drops the old table. The API answers from the old table
 * throughout; the live projection writes to both tables while the replay runs, so nothing published meanwhile
 * is lost. One rebuild at a time per schema (a session advisory lock).
 */
export async function rebuildMfaReport(options: RebuildMfaReportOptions): Promise<RebuildResult> {
  const { pool, schema, log } = options;
  await migrateReportingSchema(pool, schema);
  const lock = await pool.connect();
  try {
    const { rows } = await lock.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [`pushmfa-reporting-rebuild-${schema}`]);
    if (!rows[0]?.locked) throw new Error('another MFA Report rebuild is running on this database');
    try {
      return await rebuildLocked(options);
    } finally {
      await lock.query('select pg_advisory_unlock(hashtext($1))', [`pushmfa-reporting-rebuild-${schema}`]);
    }
  } finally {
    lock.release();
  }
}

async function rebuildLocked({ pool, kafka, schema, topicPrefix, log }: RebuildMfaReportOptions): Promise<RebuildResult> {
  const tables = new ReportTableSwitch(pool, schema);
  const { activeTable, buildingTable } = await tables.startBuilding();
  log('info', 'rebuilding the MFA Report', { from: activeTable, into: buildingTable });
  try {
    const { events } = await replayReportEvents({
      kafka,
      pool,
      schema,
      table: buildingTable,
      topics: [topicName('challenge', topicPrefix), topicName('delivery', topicPrefix), topicName('registry', topicPrefix)],
      groupPrefix: topicPrefix,
      log,
    });
    await tables.activate(buildingTable);
    log('info', 'the MFA Report now reads the rebuilt table', { table: buildingTable, events });
    await tables.dropRetired(activeTable);
    return { table: buildingTable, retiredTable: activeTable, events };
  } catch (error) {
    await tables.abandon(buildingTable).catch(() => undefined);
    throw error;
  }
}
