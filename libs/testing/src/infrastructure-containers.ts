import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { GenericContainer, Wait, getContainerRuntimeClient } from 'testcontainers';
import type { InfrastructureEndpoints } from './infrastructure-endpoints';

/** Images matching docker-compose.yml, so tests and the compose stack run the same servers. */
export const CONTAINER_IMAGES = {
  kafka: 'apache/kafka:4.1.2',
  postgres: 'postgres:16-alpine',
  redis: 'redis:7-alpine',
} as const;

const RUNTIME_DETECTION_TIMEOUT_MS = 5000;
const STARTUP_TIMEOUT_MS = 120_000;

/** True when testcontainers finds a working Docker-compatible runtime within a few seconds. */
export async function containerRuntimeAvailable(): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), RUNTIME_DETECTION_TIMEOUT_MS);
  });
  try {
    return await Promise.race([getContainerRuntimeClient().then(() => true as const), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts Kafka, PostgreSQL and Redis containers. They live as long as this process: testcontainers'
 * reaper (Ryuk) removes them when jest exits, so no teardown hook is needed.
 */
export async function startInfrastructureContainers(): Promise<InfrastructureEndpoints> {
  const [kafkaBrokers, databaseUrl, redisUrl] = await Promise.all([startKafka(), startPostgres(), startRedis()]);
  return { kafkaBrokers, databaseUrl, redisUrl, source: 'containers' };
}

async function startPostgres(): Promise<string> {
  const container = await new GenericContainer(CONTAINER_IMAGES.postgres)
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: 'pushmfa' })
    .withExposedPorts(5432)
    // The entrypoint starts the server twice (init, then for real); the second "ready" is the one to use.
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start();
  return `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/pushmfa`;
}

async function startRedis(): Promise<string> {
  const container = await new GenericContainer(CONTAINER_IMAGES.redis)
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start();
  return `redis://${container.getHost()}:${container.getMappedPort(6379)}`;
}

async function startKafka(): Promise<string> {
  // Kafka hands clients the advertised address, so the host port must be known before the broker starts.
  const hostPort = await freeLocalPort();
  const container = await new GenericContainer(CONTAINER_IMAGES.kafka)
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${hostPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '10',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_HEAP_OPTS: '-Xms512m -Xmx768m',
    })
    .withExposedPorts({ container: 9092, host: hostPort })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start();
  return `127.0.0.1:${container.getMappedPort(9092)}`;
}

function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
