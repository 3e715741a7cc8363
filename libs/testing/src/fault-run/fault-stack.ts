import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEAD_LETTER_SUFFIX, declaredTopics } from '@pushmfa/contracts';
import { createTestServiceAccount, type FcmEmulator, startFcmEmulator } from '@pushmfa/push-emulators';
import { ensureTopics } from '@pushmfa/messaging';
import { kafkaSecurityAs, testKafka } from '../kafka-credentials';
import { deleteTopics } from '../test-namespace';
import { freePort, type RunningService, type ServiceName, startServiceProcess } from '../service-process';
import { startTcpFaultProxy, type TcpFaultProxy } from '../tcp-fault-proxy';
import { startThrowawayKafka, type ThrowawayKafka } from '../throwaway/throwaway-kafka';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../throwaway/throwaway-postgres';
import { startThrowawayRedis, type ThrowawayRedis } from '../throwaway/throwaway-redis';

export const SERVICE_NAMES: readonly ServiceName[] = ['device-registry', 'challenge', 'delivery', 'reporting'];

export interface FaultStackOptions {
  label: string;
  /** `own`: a throwaway broker the run may kill; otherwise the brokers of a shared Kafka (topics under a prefix of its own). */
  kafka: 'own' | { brokers: string };
  /** Where each process's output is left at the end (and on failure). */
  logDir?: string;
}

export interface StackUrls {
  registry: string;
  challenge: string;
  reporting: string;
  delivery: string;
}

const OPERATOR_TOKEN = `fault-operator-${randomBytes(12).toString('hex')}`;
const READY_TIMEOUT_MS = 90_000;
const OUTPUT_KEPT_CHARS = 400_000;

/**
 * The four services in production mode, each its own process, on a PostgreSQL, a Redis and (optionally) a Kafka of
 * the run's own, so a fault run may crash them without touching the machine's. The services reach PostgreSQL through
 * a TCP proxy that can cut every connection. Pushes go to an in-process FCM emulator.
 */
export class FaultStack {
  readonly operatorToken = OPERATOR_TOKEN;
  private readonly running = new Map<ServiceName, RunningService>();
  /** Outputs of processes this run killed itself, kept for the logs. */
  private readonly previousOutputs: Array<{ name: ServiceName; output: string }> = [];

  private constructor(
    readonly options: FaultStackOptions,
    readonly pg: ThrowawayPostgres,
    readonly pgProxy: TcpFaultProxy,
    readonly redis: ThrowawayRedis,
    readonly kafka: ThrowawayKafka | undefined,
    readonly brokers: string,
    readonly topicPrefix: string,
    readonly fcm: FcmEmulator,
    private readonly envs: Map<ServiceName, Record<string, string>>,
    readonly urls: StackUrls,
    private readonly cleanups: Array<() => Promise<void>>,
  ) {}

  static async start(options: FaultStackOptions): Promise<FaultStack> {
    const cleanups: Array<() => Promise<void>> = [];
    const cleanUp = async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    };
    try {
      const pg = await startThrowawayPostgres(options.label);
      cleanups.push(() => pg.destroy());
      await pg.createDatabase('pushmfa');
      const pgProxy = await startTcpFaultProxy('127.0.0.1', pg.port);
      cleanups.push(() => pgProxy.close());
      const redis = await startThrowawayRedis();
      cleanups.push(() => redis.destroy());
      let kafka: ThrowawayKafka | undefined;
      let brokers: string;
      if (options.kafka === 'own') {
        kafka = await startThrowawayKafka(options.label);
        const own = kafka;
        cleanups.push(() => own.destroy());
        brokers = kafka.brokers;
      } else {
        brokers = options.kafka.brokers;
      }
      const topicPrefix = `f${options.label
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')
        .slice(0, 12)}${randomBytes(4).toString('hex')}.`;
      await ensureTopics(brokers, topicPrefix, kafkaSecurityAs('admin'));
      if (!kafka) cleanups.push(() => deleteTopics(brokers.split(','), topicPrefix));

      const account = createTestServiceAccount('pushmfa-faults');
      const fcm = await startFcmEmulator({ serviceAccounts: [{ clientEmail: account.serviceAccount.client_email, publicKeyPem: account.publicKeyPem }] });
      cleanups.push(() => fcm.close());
      const dir = mkdtempSync(join(tmpdir(), 'pushmfa-faults-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      const serviceAccountFile = join(dir, 'service-account.json');
      writeFileSync(serviceAccountFile, JSON.stringify(account.serviceAccount));

      const common: Record<string, string> = {
        DATABASE_URL: `postgres://postgres@127.0.0.1:${pgProxy.port}/pushmfa`,
        REDIS_URL: redis.url,
        KAFKA_BROKERS: brokers,
        KAFKA_TOPIC_PREFIX: topicPrefix,
        PUSHMFA_MODE: 'production',
        PUSHMFA_OPERATOR_TOKEN: OPERATOR_TOKEN,
        OFFLINE_CODE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'warn',
      };
      const ports = { registry: await freePort(), challenge: await freePort(), delivery: await freePort(), reporting: await freePort() };
      const envs = new Map<ServiceName, Record<string, string>>([
        ['device-registry', { ...common, PORT: String(ports.registry), PUBLIC_BASE_URL: `http://127.0.0.1:${ports.registry}` }],
        ['challenge', { ...common, PORT: String(ports.challenge) }],
        [
          'delivery',
          {
            ...common,
            PORT: String(ports.delivery),
            FCM_SERVICE_ACCOUNT_FILE: serviceAccountFile,
            FCM_EMULATOR_URL: fcm.url,
            PUSH_EMULATOR_CA: fcm.caPemPath,
            // A dead worker's pushes are taken over within lease + sweep (README: the duplicate bound counts these).
            DELIVERY_LEASE_MS: '4000',
            DELIVERY_SWEEP_INTERVAL_MS: '1000',
          },
        ],
        ['reporting', { ...common, PORT: String(ports.reporting) }],
      ]);
      const urls: StackUrls = {
        registry: `http://127.0.0.1:${ports.registry}`,
        challenge: `http://127.0.0.1:${ports.challenge}`,
        delivery: `http://127.0.0.1:${ports.delivery}`,
        reporting: `http://127.0.0.1:${ports.reporting}`,
      };
      const stack = new FaultStack(options, pg, pgProxy, redis, kafka, brokers, topicPrefix, fcm, envs, urls, cleanups);
      const started = await Promise.allSettled(SERVICE_NAMES.map((name) => stack.startService(name)));
      const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) {
        await stack.close();
        throw failed.reason;
      }
      return stack;
    } catch (error) {
      await cleanUp();
      throw error;
    }
  }

  service(name: ServiceName): RunningService {
    const service = this.running.get(name);
    if (!service) throw new Error(`${name} is not running`);
    return service;
  }

  /** Starts the service's process (again) and waits until it reports ready (`live`: until it answers HTTP). */
  async startService(name: ServiceName, waitFor: 'ready' | 'live' = 'ready'): Promise<RunningService> {
    const service = await startServiceProcess(name, this.envs.get(name)!, { readyTimeoutMs: READY_TIMEOUT_MS, outputKeptChars: OUTPUT_KEPT_CHARS, waitFor });
    this.running.set(name, service);
    return service;
  }

  /** SIGKILL of the service's process: a crash. */
  async killService(name: ServiceName): Promise<void> {
    const service = this.service(name);
    await service.kill();
    this.previousOutputs.push({ name, output: service.output() });
    this.running.delete(name);
  }

  /** Services whose process ended without this run killing it: each is a failure of the run. */
  exitedServices(): Array<{ name: ServiceName; code: number | null; signal: string | null; output: string }> {
    return [...this.running.values()].flatMap((service) => {
      const exited = service.exited();
      return exited ? [{ name: service.name, ...exited, output: service.output().slice(-4000) }] : [];
    });
  }

  /** The status `/health/ready` answers, or 0 when the process does not answer at all. */
  async readiness(name: ServiceName): Promise<number> {
    const service = this.running.get(name);
    if (!service) return 0;
    try {
      const response = await fetch(`${service.baseUrl}/health/ready`, { signal: AbortSignal.timeout(3000) });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }

  /** Waits until every service answers ready; resolves with the milliseconds it took, throws past `timeoutMs`. */
  async untilAllReady(timeoutMs: number, log?: (line: string) => void): Promise<number> {
    const started = Date.now();
    let loggedAt = started;
    const waiting = new Map<ServiceName, string>(SERVICE_NAMES.map((name) => [name, 'not asked yet']));
    for (;;) {
      for (const name of [...waiting.keys()]) {
        const { status, body } = await this.readinessReport(name);
        if (status === 200) waiting.delete(name);
        else waiting.set(name, status === 0 ? 'no answer' : `${status} ${body}`);
      }
      if (waiting.size === 0) return Date.now() - started;
      if (log && Date.now() - loggedAt >= 3000) {
        loggedAt = Date.now();
        log(`still waiting after ${loggedAt - started} ms: ${[...waiting].map(([name, why]) => `${name} (${why})`).join(', ')}`);
      }
      if (Date.now() - started > timeoutMs) {
        throw new Error(`not ready ${timeoutMs} ms after the fault ended: ${[...waiting].map(([name, why]) => `${name} (${why})`).join(', ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** `/health/ready` with the checks that are down, for messages; asked on the service's port, so also while it boots. */
  private async readinessReport(name: ServiceName): Promise<{ status: number; body: string }> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.envs.get(name)!.PORT}/health/ready`, { signal: AbortSignal.timeout(3000) });
      const report = (await response.json().catch(() => ({}))) as { error?: Record<string, unknown> };
      return { status: response.status, body: JSON.stringify(report.error ?? {}) };
    } catch {
      return { status: 0, body: '' };
    }
  }

  /**
   * `pushmfa_unhandled_errors_total` of each running service (its `/metrics`): the process error guard kept it alive
   * through an error nothing handled, a bug the run must report, not hide.
   */
  async unhandledErrors(): Promise<Array<{ name: ServiceName; count: number }>> {
    const counts = await Promise.all(
      [...this.running.values()].map(async (service) => {
        const text = await fetch(`${service.baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) })
          .then((r) => r.text())
          .catch(() => '');
        const count = text
          .split('\n')
          .filter((line) => line.startsWith('pushmfa_unhandled_errors_total'))
          .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
        return { name: service.name, count };
      }),
    );
    return counts.filter((entry) => entry.count > 0);
  }

  /**
   * Records on the run's dead-letter topics so far. An outage must never dead-letter anything: a record that failed
   * because a store or the broker was away is retried until it succeeds.
   */
  async deadLettered(): Promise<number> {
    const admin = testKafka('pushmfa-fault-stack', this.brokers.split(',')).admin();
    await admin.connect();
    try {
      let total = 0;
      for (const topic of declaredTopics(this.topicPrefix).filter((t) => t.name.endsWith(DEAD_LETTER_SUFFIX))) {
        for (const partition of await admin.fetchTopicOffsets(topic.name)) total += Number(partition.high) - Number(partition.low);
      }
      return total;
    } finally {
      await admin.disconnect();
    }
  }

  /** Stops every service (SIGTERM), writes their output to the log directory, and removes everything the run made. */
  async close(): Promise<void> {
    const services = [...this.running.values()];
    await Promise.all(
      services.map(async (service) => {
        const killer = setTimeout(() => void service.kill(), 20_000);
        await service.stop();
        clearTimeout(killer);
      }),
    );
    if (this.options.logDir) {
      mkdirSync(this.options.logDir, { recursive: true });
      for (const service of services) writeFileSync(join(this.options.logDir, `${this.options.label}.${service.name}.log`), service.output());
      this.previousOutputs.forEach(({ name, output }, index) =>
        writeFileSync(join(this.options.logDir!, `${this.options.label}.${name}.killed-${index + 1}.log`), output),
      );
      writeFileSync(join(this.options.logDir, `${this.options.label}.postgres.log`), this.pg.log());
      if (this.kafka) writeFileSync(join(this.options.logDir, `${this.options.label}.kafka.log`), this.kafka.log());
    }
    this.running.clear();
    for (const cleanup of this.cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}
