import { Kafka, logLevel } from 'kafkajs';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { InfrastructureEndpoints } from './infrastructure-endpoints';
import { kafkaBrokerList, withoutPassword } from './infrastructure-endpoints';
import { testKafkaOptions } from './kafka-credentials';

const CONNECT_TIMEOUT_MS = 3000;

const HOW_TO_START =
  "Start the local infrastructure with `npm run infra:up` (Kafka from Maven, the machine's PostgreSQL and Redis), " +
  'or set KAFKA_BROKERS, DATABASE_URL and REDIS_URL to running servers.';

/** Asks each endpoint a real question; throws one error naming every component that did not answer. */
export async function assertInfrastructureAnswers(endpoints: InfrastructureEndpoints): Promise<void> {
  const results = await Promise.allSettled([checkPostgres(endpoints.databaseUrl), checkRedis(endpoints.redisUrl), checkKafka(endpoints.kafkaBrokers)]);
  const problems = results.flatMap((result) => (result.status === 'rejected' ? [messageOf(result.reason)] : []));
  if (problems.length > 0) {
    throw new Error(`Test infrastructure (from ${endpoints.source}) is not usable:\n  - ${problems.join('\n  - ')}\n${HOW_TO_START}`);
  }
}

export async function checkPostgres(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(`PostgreSQL at ${withoutPassword(databaseUrl)} does not answer: ${messageOf(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function checkRedis(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // ioredis rejects connect() with a bare "Connection is closed"; the cause arrives as an error event.
  let cause: unknown;
  redis.on('error', (error: unknown) => {
    cause = error;
  });
  try {
    await redis.connect();
    const pong = await redis.ping();
    if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
  } catch (error) {
    throw new Error(`Redis at ${withoutPassword(redisUrl)} does not answer: ${messageOf(cause ?? error)}`);
  } finally {
    redis.disconnect();
  }
}

/** Connects as the admin user over SASL_SSL (the broker accepts nothing else) and asks for the cluster. */
export async function checkKafka(kafkaBrokers: string): Promise<void> {
  let security;
  try {
    security = testKafkaOptions('admin');
  } catch (error) {
    throw new Error(`Kafka at ${kafkaBrokers}: ${messageOf(error)}`);
  }
  const kafka = new Kafka({
    clientId: 'pushmfa-test-check',
    brokers: kafkaBrokerList({ kafkaBrokers }),
    logLevel: logLevel.NOTHING,
    connectionTimeout: CONNECT_TIMEOUT_MS,
    retry: { retries: 1 },
    ...security,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    throw new Error(
      `Kafka at ${kafkaBrokers} does not answer as the admin user over SASL_SSL: ${messageOf(error)} ` +
        '(a broker started before authentication was on speaks PLAINTEXT: restart it with `npm run infra:down && npm run infra:up`)',
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(messageOf).join('; ');
  return error instanceof Error ? error.message || error.name : String(error);
}
