import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import Redis from 'ioredis';
import { Client } from 'pg';
import { declaredTopics } from '@pushmfa/contracts';
import type { KafkaSecurityConfig } from '@pushmfa/service-config';
import { deleteAcls, ensureTopics } from '@pushmfa/messaging';
import { resolveInfrastructure } from './infrastructure';
import { kafkaBrokerList } from './infrastructure-endpoints';
import { type KafkaPrincipalName, kafkaSecurityAs, kafkaServiceEnv, testKafka } from './kafka-credentials';

/** Everything one test file owns on the shared infrastructure; nothing in it is seen by another file. */
export interface TestNamespace {
  /** Lowercase letters and digits only: safe in database, schema, topic and key names. */
  id: string;
  label: string;
  /** A fresh, empty database `pushmfa_t_<id>`; services create their own schemas in it. */
  databaseUrl: string;
  databaseName: string;
  /** `t_<id>`, already created in that database, for tests that want one schema of their own. */
  schema: string;
  /** `t<id>.`: every declared topic exists under it (see libs/contracts topics.ts), with every service's ACLs. */
  topicPrefix: string;
  /** `t<id>:` for every Redis key the test writes. */
  redisPrefix: string;
  kafkaBrokers: string[];
  redisUrl: string;
  /** The variables a service under test needs to stay inside this namespace (no Kafka user: see `serviceEnv`). */
  env: { DATABASE_URL: string; REDIS_URL: string; KAFKA_BROKERS: string; KAFKA_TOPIC_PREFIX: string };
  /** `env` plus the Kafka user of `service` (KAFKA_SASL_*, KAFKA_TLS_CA_FILE): for a test that runs that service. */
  serviceEnv(service: Exclude<KafkaPrincipalName, 'admin'>): Record<string, string>;
  /** TLS and SCRAM as `principal`, for createKafka({ security }) in a test that plays that service. */
  kafkaSecurity(principal: KafkaPrincipalName): KafkaSecurityConfig;
  /** A quiet kafkajs client as the admin user, for test tooling (probes reading topics, forged records). */
  kafka(clientId: string): Kafka;
  /** Deletes the topics, drops the database (closing its connections) and deletes the Redis keys. */
  dispose(): Promise<void>;
}

const ID_RANDOM_BYTES = 5;
const LABEL_CHARS = 16;
const REDIS_SCAN_COUNT = 500;
const TOPIC_DELETION_WAIT_MS = 15_000;

export async function createTestNamespace(label: string): Promise<TestNamespace> {
  const endpoints = await resolveInfrastructure();
  const id = namespaceId(label);
  const databaseName = `pushmfa_t_${id}`;
  const schema = `t_${id}`;
  const topicPrefix = `t${id}.`;
  const redisPrefix = `t${id}:`;
  const databaseUrl = withDatabase(endpoints.databaseUrl, databaseName);
  const kafkaBrokers = kafkaBrokerList(endpoints);

  await createDatabase(endpoints.databaseUrl, databaseName);
  await createSchema(databaseUrl, schema);
  await ensureTopics(kafkaBrokers, topicPrefix, kafkaSecurityAs('admin'));

  let disposed: Promise<void> | undefined;
  const dispose = (): Promise<void> => {
    disposed ??= disposeAll([
      () => deleteTopics(kafkaBrokers, topicPrefix),
      () => dropDatabase(endpoints.databaseUrl, databaseName),
      () => deleteRedisKeys(endpoints.redisUrl, redisPrefix),
    ]);
    return disposed;
  };

  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: endpoints.redisUrl,
    KAFKA_BROKERS: endpoints.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: topicPrefix,
  };
  return {
    id,
    label,
    databaseUrl,
    databaseName,
    schema,
    topicPrefix,
    redisPrefix,
    kafkaBrokers,
    redisUrl: endpoints.redisUrl,
    env,
    serviceEnv: (service) => ({ ...env, ...kafkaServiceEnv(service) }),
    kafkaSecurity: (principal) => kafkaSecurityAs(principal),
    kafka: (clientId) => testKafka(clientId, kafkaBrokers),
    dispose,
  };
}

function namespaceId(label: string): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, LABEL_CHARS);
  return `${slug}${randomBytes(ID_RANDOM_BYTES).toString('hex')}`;
}

function withDatabase(url: string, databaseName: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${databaseName}`;
  return parsed.toString();
}

async function withPostgres<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function createDatabase(adminUrl: string, databaseName: string): Promise<void> {
  await withPostgres(adminUrl, async (client) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`create database "${databaseName}"`);
        return;
      } catch (error) {
        // 55006: another session sits in template1 for a moment (a parallel create); try again shortly.
        if ((error as { code?: string }).code !== '55006' || attempt >= 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  });
}

async function createSchema(databaseUrl: string, schema: string): Promise<void> {
  await withPostgres(databaseUrl, (client) => client.query(`create schema "${schema}"`));
}

async function dropDatabase(adminUrl: string, databaseName: string): Promise<void> {
  await withPostgres(adminUrl, (client) => client.query(`drop database if exists "${databaseName}" with (force)`));
}

/** Deletes a topic prefix's declared topics and its ACLs, and waits until the broker has removed the topics. */
export async function deleteTopics(brokers: string[], prefix: string): Promise<void> {
  const admin = testKafka('pushmfa-test-namespace', brokers).admin();
  await admin.connect();
  try {
    await deleteAcls(admin, prefix);
    const existing = new Set(await admin.listTopics());
    const topics = declaredTopics(prefix)
      .map((topic) => topic.name)
      .filter((name) => existing.has(name));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    // Deletion finishes asynchronously on the broker; wait so "disposed" means the topics are gone.
    const deadline = Date.now() + TOPIC_DELETION_WAIT_MS;
    while (topics.length > 0 && Date.now() < deadline) {
      const remaining = new Set(await admin.listTopics());
      if (!topics.some((name) => remaining.has(name))) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', REDIS_SCAN_COUNT);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Runs every cleanup step even when one fails, then reports all failures together. */
async function disposeAll(steps: Array<() => Promise<void>>): Promise<void> {
  const results = await Promise.allSettled(steps.map((step) => step()));
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  if (failures.length > 0) throw new AggregateError(failures, 'test namespace cleanup failed');
}
