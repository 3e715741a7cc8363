import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { GenericContainer, Wait, getContainerRuntimeClient } from 'testcontainers';
import type { InfrastructureEndpoints } from './infrastructure-endpoints';
import { KAFKA_SECURITY_DIR_VARIABLE, kafkaCredentials } from './kafka-credentials';

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

/**
 * A Kafka container that, like deploy/local/infra.sh's broker, takes clients over SASL_SSL only (SCRAM-SHA-512 users
 * formatted into its storage, TLS from the CA and certificate `infra.sh kafka-secrets` makes, StandardAuthorizer).
 * Its security files live in .local/kafka/container-security, which the tests then read (PUSHMFA_KAFKA_SECURITY_DIR).
 */
async function startKafka(): Promise<string> {
  const securityDir = containerKafkaSecurity();
  process.env[KAFKA_SECURITY_DIR_VARIABLE] = securityDir;
  const users = ['admin', 'device-registry', 'challenge', 'delivery', 'reporting'] as const;
  const scram = users
    .map((user) => kafkaCredentials(user))
    .map(({ username, password }) => `--add-scram 'SCRAM-SHA-512=[name=${username},password=${password}]'`)
    .join(' ');
  const admin = kafkaCredentials('admin');
  const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${admin.username}" password="${admin.password}";`;
  // Kafka hands clients the advertised address, so the host port must be known before the broker starts.
  const hostPort = await freeLocalPort();
  const properties = [
    'process.roles=broker,controller',
    'node.id=1',
    'controller.quorum.bootstrap.servers=localhost:9093',
    'listeners=SASL_SSL://:9092,CONTROLLER://localhost:9093',
    `advertised.listeners=SASL_SSL://127.0.0.1:${hostPort}`,
    'listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=SASL_SSL',
    'log.dirs=/tmp/kafka-data',
    'sasl.enabled.mechanisms=SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    'ssl.keystore.type=PEM',
    'ssl.keystore.location=/etc/pushmfa/kafka/broker-keystore.pem',
    'ssl.truststore.type=PEM',
    'ssl.truststore.location=/etc/pushmfa/kafka/ca.pem',
    // The broker reaches itself by its advertised address, which is the host's port, not the container's.
    'ssl.endpoint.identification.algorithm=',
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found=false',
    `super.users=User:${admin.username};User:ANONYMOUS`,
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
  ].join('\n');
  const script = [
    'set -euo pipefail',
    `cat >/tmp/server.properties <<'EOF'\n${properties}\nEOF`,
    `/opt/kafka/bin/kafka-storage.sh format --standalone -c /tmp/server.properties -t "$(/opt/kafka/bin/kafka-storage.sh random-uuid)" ${scram}`,
    `exec /opt/kafka/bin/kafka-server-start.sh /tmp/server.properties --override 'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=${jaas}'`,
  ].join('\n');
  const container = await new GenericContainer(CONTAINER_IMAGES.kafka)
    .withEnvironment({ KAFKA_HEAP_OPTS: '-Xms512m -Xmx768m' })
    .withCopyFilesToContainer([
      { source: join(securityDir, 'ca.pem'), target: '/etc/pushmfa/kafka/ca.pem', mode: 0o444 },
      { source: join(securityDir, 'broker-keystore.pem'), target: '/etc/pushmfa/kafka/broker-keystore.pem', mode: 0o444 },
    ])
    .withEntrypoint(['bash', '-c'])
    .withCommand([script])
    .withExposedPorts({ container: 9092, host: hostPort })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start();
  return `127.0.0.1:${container.getMappedPort(9092)}`;
}

/** The container broker's CA, certificate and SCRAM passwords: made once by `infra.sh kafka-secrets`. */
function containerKafkaSecurity(): string {
  let root = __dirname;
  while (!existsSync(join(root, 'deploy', 'local', 'infra.sh'))) {
    if (root === dirname(root)) throw new Error(`Cannot find deploy/local/infra.sh above ${__dirname}`);
    root = dirname(root);
  }
  const dir = join(root, '.local', 'kafka', 'container-security');
  const result = spawnSync('bash', [join(root, 'deploy', 'local', 'infra.sh'), 'kafka-secrets', dir], { stdio: ['ignore', process.stderr, process.stderr] });
  if (result.status !== 0) throw new Error(`deploy/local/infra.sh kafka-secrets ${dir} failed (exit code ${String(result.status)})`);
  return dir;
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
