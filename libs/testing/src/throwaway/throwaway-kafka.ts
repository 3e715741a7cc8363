import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from '../service-process';

const run = promisify(execFile);

/** A single-node KRaft broker of a test's own, on free ports with its own data directory, so it may be killed. */
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

/** Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding. */
function clusterId(): string {
  return randomBytes(16).toString('base64url');
}

export async function startThrowawayKafka(label: string): Promise<ThrowawayKafka> {
  const libs = kafkaLibs();
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
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
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
  const jvm = ['-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${join(dir, 'log4j2.xml')}`, `-Dkafka.logs.dir=${logs}`, '-cp', `${libs}/*`];
  try {
    await run('java', [...jvm, 'kafka.tools.StorageTool', 'format', '--standalone', '-t', clusterId(), '-c', properties], { timeout: 90_000 });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`throwaway Kafka: formatting the storage failed (is Java 17+ installed?): ${String(error)}`);
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
    const admin = new Kafka({ clientId: 'pushmfa-throwaway-kafka', brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 }).admin();
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
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
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
