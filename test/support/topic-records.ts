import { randomUUID } from 'node:crypto';
import { topicName } from '@pushmfa/contracts';
import { eventually, type TestNamespace } from '@pushmfa/testing';

export interface TopicRecord {
  topic: string;
  key: string | undefined;
  value: string;
  headers: Record<string, string>;
}

/** Every record the namespace's three contract topics hold right now, read as the admin user (test tooling). */
export async function readContractRecords(ns: TestNamespace): Promise<TopicRecord[]> {
  const topics = (['registry', 'challenge', 'delivery'] as const).map((key) => topicName(key, ns.topicPrefix));
  const kafka = ns.kafka(`records-${ns.id}`);
  const admin = kafka.admin();
  await admin.connect();
  let total = 0;
  try {
    for (const topic of topics) for (const partition of await admin.fetchTopicOffsets(topic)) total += Number(partition.high) - Number(partition.low);
  } finally {
    await admin.disconnect();
  }
  const records: TopicRecord[] = [];
  const consumer = kafka.consumer({ groupId: `records-${ns.id}-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) if (value !== undefined) headers[name] = value.toString();
        records.push({ topic, key: message.key?.toString(), value: message.value?.toString() ?? '', headers });
      },
    });
    await eventually(async () => (records.length >= total ? true : undefined), `all ${total} records of ${topics.join(', ')}`, 30_000);
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** The records without a W3C `traceparent` header, as "topic type" lines, for a failure message that names them. */
export function recordsWithoutTraceparent(records: TopicRecord[]): string[] {
  return records
    .filter((record) => !/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(record.headers.traceparent ?? ''))
    .map((record) => `${record.topic} ${(JSON.parse(record.value) as { type?: string }).type ?? '?'} (key ${record.key})`);
}
