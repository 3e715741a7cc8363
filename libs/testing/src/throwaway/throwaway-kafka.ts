import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaSecurityDir, testKafkaOptions } from '../kafka-credentials';
import { freePort } from '../service-process';
import { killChild } from './kill-child';

const run = promisify(execFile);

/**
 * A single-node KRaft broker of a test's own, on free ports with its own data directory, so it may be killed. It is
 * secured like the local one (deploy/local/infra.sh): SASL_SSL only, with that broker's certificate and SCRAM users
 * (from the checkout's `.local/kafka/security`, or PUSHMFA_KAFKA_SECURITY_DIR) and StandardAuthorizer, so the services
 * authenticate to it exactly as they do elsewhere and the ACLs `ensureTopics` creates are in force.
 */
export interface ThrowawayKafka {
  brokers: string;
  /** SIGKILL of the broker's JVM; its data directory stays, as after a machine crash. */
  kill(): Promise<void>;
  /** Starts the broker again on the same ports and data; resolves once it answers metadata requests. */
  start(): Promise<void>;
  log(): string;
  destroy(): Promise<void>;
}

function repositoryRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'services'))) return dir;
  }
  throw new Error(`Cannot find the checkout above ${__dirname}`);
}

/** The jars deploy/local/infra.sh fetches; PUSHMFA_KAFKA_LIBS points elsewhere. */
function kafkaLibs(): string {
  const libs = process.env.PUSHMFA_KAFKA_LIBS ?? join(repositoryRoot(), '.local', 'kafka', 'libs');
  if (!existsSync(libs) || !readdirSync(libs).some((name) => /^kafka_2\.13-.*\.jar$/.test(name))) {
    throw new Error(`throwaway Kafka: no Kafka jars in ${libs}; run "bash deploy/local/infra.sh up" once (it fetches them), or set PUSHMFA_KAFKA_LIBS`);
  }
  return libs;
}

/**
 * Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding; like Kafka's own Uuid.randomUuid, one
 * starting with "-" is drawn again, since the storage tool would read it as an option.
 */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** The SCRAM users of the local broker's credentials.env: the admin user first, then one per service. */
function scramUsers(securityDir: string): { admin: { name: string; password: string }; all: Array<{ name: string; password: string }> } {
  const file = join(securityDir, 'credentials.env');
  if (!existsSync(file) || !existsSync(join(securityDir, 'broker-keystore.pem'))) {
    throw new Error(
      `throwaway Kafka: no broker certificate or credentials in ${securityDir}; run "bash deploy/local/infra.sh up" once (it makes them), or set PUSHMFA_KAFKA_SECURITY_DIR`,
    );
  }
  const values = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values.set(match[1] as string, match[2] as string);
  }
  const all: Array<{ name: string; password: string }> = [];
  for (const [key, name] of values) {
    const prefix = key.endsWith('_USERNAME') ? key.slice(0, -'_USERNAME'.length) : undefined;
    const password = prefix ? values.get(`${prefix}_PASSWORD`) : undefined;
    if (prefix && password) all.push({ name, password });
  }
  const adminName = values.get('PUSHMFA_KAFKA_ADMIN_USERNAME');
  const admin = all.find((user) => user.name === adminName);
  if (!admin) throw new Error(`throwaway Kafka: ${file} names no admin user`);
  return { admin, all };
}

export async function startThrowawayKafka(label: string): Promise<ThrowawayKafka> {
  const libs = kafkaLibs();
  const security = kafkaSecurityDir();
  const users = scramUsers(security);
  const dir = mkdtempSync(join(tmpdir(), `pushmfa-kafka-${label}-`));
  const data = join(dir, 'data');
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  const [port, controllerPort] = [await freePort(), await freePort()];
  const properties = join(dir, 'server.properties');
  writeFileSync(
    properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
      `listeners=SASL_SSL://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=SASL_SSL://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      'listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT',
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=SASL_SSL',
      'sasl.enabled.mechanisms=SCRAM-SHA-512',
      'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
      `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${users.admin.name}" password="${users.admin.password}";`,
      'ssl.keystore.type=PEM',
      `ssl.keystore.location=${join(security, 'broker-keystore.pem')}`,
      'ssl.truststore.type=PEM',
      `ssl.truststore.location=${join(security, 'ca.pem')}`,
      'ssl.endpoint.identification.algorithm=https',
      'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'allow.everyone.if.no.acl.found=false',
      `super.users=User:${users.admin.name};User:ANONYMOUS`,
      `log.dirs=${data}`,
      'default.replication.factor=1',
      'min.insync.replicas=1',
      'offsets.topic.replication.factor=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'offsets.topic.num.partitions=4',
      'transaction.state.log.num.partitions=4',
      'auto.create.topics.enable=false',
      'num.partitions=1',
      'group.initial.rebalance.delay.ms=0',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'log4j2.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN">
  <Appenders><File name="server" fileName="${logs}/server.log"><PatternLayout pattern="[%d] %p %m (%c)%n"/></File></Appenders>
  <Loggers><Root level="WARN"><AppenderRef ref="server"/></Root><Logger name="kafka.server.KafkaRaftServer" level="INFO"/></Loggers>
</Configuration>
`,
  );
  const jvm = [
    '-Xms256m',
    '-Xmx512m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(dir, 'log4j2.xml')}`,
    `-Dkafka.logs.dir=${logs}`,
    '-cp',
    `${libs}/*`,
  ];
  try {
    const scram = users.all.flatMap((user) => ['--add-scram', `SCRAM-SHA-512=[name=${user.name},password=${user.password}]`]);
    await run('java', [...jvm, 'kafka.tools.StorageTool', 'format', '--standalone', '-t', clusterId(), '-c', properties, ...scram], { timeout: 90_000 });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    // Not the error itself: its message repeats the command line, and with it the SCRAM passwords.
    const output = (error as { stderr?: string; stdout?: string }).stderr || (error as { stdout?: string }).stdout || (error as Error).name;
    throw new Error(`throwaway Kafka: formatting the storage failed (is Java 17+ installed?): ${output}`);
  }
  const brokers = `127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let stdout = '';
  const start = async () => {
    const started = spawn('java', [...jvm, 'kafka.Kafka', properties], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout?.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-20_000)));
    started.stderr?.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-20_000)));
    const deadline = Date.now() + 90_000;
    const admin = new Kafka({
      clientId: 'pushmfa-throwaway-kafka',
      brokers: [brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 1000,
      ...testKafkaOptions('admin'),
    }).admin();
    for (;;) {
      if (started.exitCode !== null) throw new Error(`throwaway Kafka exited with ${started.exitCode}:\n${stdout}\n${readLog()}`);
      try {
        await admin.connect();
        await admin.describeCluster();
        await admin.disconnect();
        return;
      } catch {
        await admin.disconnect().catch(() => undefined);
      }
      if (Date.now() > deadline) {
        started.kill('SIGKILL');
        throw new Error(`throwaway Kafka did not answer within 90 s:\n${readLog()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  };
  const readLog = () => {
    try {
      return readFileSync(join(logs, 'server.log'), 'utf8').slice(-8000);
    } catch {
      return '';
    }
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    await killChild(running);
  };
  try {
    await start();
  } catch (error) {
    await kill();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    brokers,
    kill,
    start,
    log: readLog,
    destroy: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
