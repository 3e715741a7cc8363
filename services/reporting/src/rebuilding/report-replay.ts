import { randomUUID } from 'node:crypto';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { parseRecordValue } from '@pushmfa/contracts';
import { isReportEvent, type ReportEvent } from '../mfa-report/mfa-report.events';
import { applyToReportTableBatch } from '../projecting/report-table.writer';

type Log = (level: 'error' | 'warn' | 'info', message: string, extra?: Record<string, unknown>) => void;

export interface ReportReplayOptions {
  kafka: Kafka;
  pool: Pool;
  schema: string;
  table: string;
  topics: string[];
  /** Prefixes the throw-away consumer group, like the live groups, so test runs never share one. */
  groupPrefix: string;
  log: Log;
}

/** Partition -> the offset one past the last record to replay (the high watermark when the replay started). */
type Ends = Map<string, bigint>;

/**
 * Reads every record of the topics, from the first retained offset up to the high watermarks taken at the start,
 * into `table`. A fresh consumer group with nothing committed starts at the beginning; records past the ends are
 * left to the live projection, which writes to the table being built for as long as the rebuild runs.
 */
export async function replayReportEvents(options: ReportReplayOptions): Promise<{ events: number }> {
  const { kafka, topics, log } = options;
  const remaining = await recordsToReplay(kafka, topics);
  let events = 0;
  if (remaining.size === 0) return { events };

  const groupId = `${options.groupPrefix}reporting.mfa-report.rebuild.${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  let finish!: () => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
    if (!isRunning() || isStale()) return;
    const key = `${batch.topic}:${batch.partition}`;
    const end = remaining.get(key);
    const messages = end === undefined ? [] : batch.messages.filter((message) => BigInt(message.offset) < end);
    if (messages.length > 0) {
      events += await applyBatch(
        options,
        messages.map((message) => message.value),
      );
    }
    const last = batch.messages[batch.messages.length - 1];
    if (last) resolveOffset(last.offset);
    await heartbeat();
    if (end !== undefined && last && BigInt(last.offset) + 1n >= end) {
      remaining.delete(key);
      log('info', 'replayed a partition', { topic: batch.topic, partition: batch.partition });
      if (remaining.size === 0) finish();
    }
  };

  // A crashed consumer would otherwise leave the rebuild waiting forever; it is abandoned and can be run again.
  consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: false,
      eachBatch: (payload) =>
        eachBatch(payload).catch((error: unknown) => {
          fail(error);
          throw error;
        }),
    });
    await done;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await deleteGroup(kafka, groupId);
  }
  return { events };
}

/** One transaction per batch: the replay is idempotent, so a batch retried after a failure changes nothing twice. */
async function applyBatch(options: ReportReplayOptions, values: (Buffer | null)[]): Promise<number> {
  const client = await options.pool.connect();
  let applied = 0;
  try {
    await client.query('begin');
    const events: ReportEvent[] = [];
    for (const value of values) {
      const parsed = parseRecordValue(value);
      if (parsed.kind === 'event' && isReportEvent(parsed.envelope)) events.push(parsed.envelope);
    }
    await applyToReportTableBatch(client, options.schema, options.table, events);
    applied = events.length;
    await client.query('commit');
    return applied;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The partitions holding records, each with the high watermark to stop at. */
async function recordsToReplay(kafka: Kafka, topics: string[]): Promise<Ends> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends: Ends = new Map();
    for (const topic of topics) {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(high) > BigInt(low)) ends.set(`${topic}:${partition}`, BigInt(high));
      }
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}

async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // A left-over empty group holds no data and expires on its own.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
