import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { LatencySamples, type LatencySummary } from './latency-summary';
import { testKafkaOptions } from '@pushmfa/testing';

const SAMPLES = 200;

/**
 * The floor under the product's latencies, on the same broker and database in the same run: one record produced
 * (idempotent, acks=all, as the services produce) and consumed back by a consumer polling as theirs do.
 */
export async function measureKafkaRoundTrip(brokers: string[], topicPrefix: string): Promise<LatencySummary> {
  const kafka = new Kafka({ clientId: 'pushmfa-bench-baseline', brokers, logLevel: logLevel.NOTHING, ...testKafkaOptions() });
  const topic = `${topicPrefix}bench.round-trip.${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer({ groupId: `${topic}.probe`, maxWaitTimeInMs: 100 });
  const samples = new LatencySamples();
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const waiting = new Map<string, () => void>();
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({ eachMessage: async ({ message }) => waiting.get(message.key?.toString() ?? '')?.() });
    await joined;
    for (let i = 0; i < SAMPLES + 10; i++) {
      const key = `k${i}`;
      const arrived = new Promise<void>((resolve) => waiting.set(key, resolve));
      const started = performance.now();
      await producer.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify({ i, at: Date.now() }) }] });
      await arrived;
      // The first few include connection set-up and fetch-session warm-up.
      if (i >= 10) samples.add(performance.now() - started);
      waiting.delete(key);
    }
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
  return samples.summary();
}

/** One row inserted and committed in its own transaction, as an event append commits (begin, insert, commit). */
export async function measurePgAppend(databaseUrl: string): Promise<LatencySummary> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const table = `bench_append_${Date.now()}`;
  const samples = new LatencySamples();
  try {
    await client.query(
      `create table ${table} (id bigserial primary key, stream_id text not null, data jsonb not null, recorded_at timestamptz not null default now())`,
    );
    for (let i = 0; i < SAMPLES + 10; i++) {
      const started = performance.now();
      await client.query('begin');
      await client.query(`insert into ${table} (stream_id, data) values ($1, $2)`, [`s-${i}`, JSON.stringify({ i })]);
      await client.query('commit');
      if (i >= 10) samples.add(performance.now() - started);
    }
  } finally {
    await client.query(`drop table if exists ${table}`).catch(() => undefined);
    await client.end();
  }
  return samples.summary();
}
