import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Consumer, Producer } from 'kafkajs';
import Redis from 'ioredis';
import { Client } from 'pg';
import { declaredTopics, topicName } from '@pushmfa/contracts';
import { createTestNamespace } from './test-namespace';
import type { TestNamespace } from './test-namespace';
import { resolveInfrastructure } from './infrastructure';

const MESSAGE_WAIT_MS = 30_000;

describe('a test namespace on the real infrastructure', () => {
  let namespace: TestNamespace;

  beforeAll(async () => {
    namespace = await createTestNamespace('infrastructure');
  });

  afterAll(async () => {
    await namespace?.dispose();
  });

  it('gives a fresh database of its own with its schema created', async () => {
    const client = new Client({ connectionString: namespace.databaseUrl });
    await client.connect();
    try {
      const database = await client.query<{ name: string }>('select current_database() as name');
      expect(database.rows[0]?.name).toBe(`pushmfa_t_${namespace.id}`);
      await client.query(`create table "${namespace.schema}".notes (body text not null)`);
      await client.query(`insert into "${namespace.schema}".notes (body) values ($1)`, ['hello']);
      const notes = await client.query<{ body: string }>(`select body from "${namespace.schema}".notes`);
      expect(notes.rows).toEqual([{ body: 'hello' }]);
    } finally {
      await client.end();
    }
  });

  it('stores and reads Redis keys under its prefix', async () => {
    const redis = new Redis(namespace.redisUrl);
    try {
      await redis.set(`${namespace.redisPrefix}greeting`, 'hi');
      expect(await redis.get(`${namespace.redisPrefix}greeting`)).toBe('hi');
    } finally {
      redis.disconnect();
    }
  });

  it('has every declared topic, and a message produced on its challenge topic comes back', async () => {
    const kafka = namespace.kafka('infrastructure-int');
    const admin = kafka.admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(topics).toEqual(expect.arrayContaining(declaredTopics(namespace.topicPrefix).map((topic) => topic.name)));

    const topic = topicName('challenge', namespace.topicPrefix);
    const producer: Producer = kafka.producer();
    const consumer: Consumer = kafka.consumer({ groupId: `${namespace.topicPrefix}probe` });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no message on ${topic} within ${MESSAGE_WAIT_MS} ms`)), MESSAGE_WAIT_MS);
        void consumer.run({
          eachMessage: async ({ message }) => {
            clearTimeout(timer);
            resolve(message.value?.toString() ?? '');
          },
        });
      });
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'challenge-1', value: 'ping' }] });
      await expect(received).resolves.toBe('ping');
    } finally {
      await producer.disconnect();
      await consumer.disconnect();
    }
  });
});

describe('disposing a test namespace', () => {
  it('removes its database, topics and Redis keys', async () => {
    const endpoints = await resolveInfrastructure();
    const namespace = await createTestNamespace('dispose');
    const redis = new Redis(namespace.redisUrl);
    const admin = namespace.kafka('infrastructure-int').admin();
    const client = new Client({ connectionString: endpoints.databaseUrl });
    try {
      await redis.set(`${namespace.redisPrefix}left-over`, '1');

      await namespace.dispose();

      await client.connect();
      const databases = await client.query('select 1 from pg_database where datname = $1', [`pushmfa_t_${namespace.id}`]);
      expect(databases.rowCount).toBe(0);
      expect(await redis.exists(`${namespace.redisPrefix}left-over`)).toBe(0);
      await admin.connect();
      const topics = await admin.listTopics();
      expect(topics.filter((name) => name.startsWith(namespace.topicPrefix))).toEqual([]);
    } finally {
      redis.disconnect();
      await admin.disconnect();
      await client.end();
    }
  });
});
