import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestServiceAccount, type FcmEmulator, startFcmEmulator } from '@pushmfa/push-emulators';
import { createTestNamespace, freePort, type TestNamespace } from '@pushmfa/testing';
import { type BenchService, type BenchServiceName, launchService } from './service-launcher';

export interface StackUrls {
  registry: string;
  challenge: string;
  reporting: string;
}

export interface LocalStackOptions {
  deliveryWorkers: number;
  providerLatencyMs: number;
  profileDir?: string;
  nodeOptions?: string;
}

const OPERATOR_TOKEN = 'bench-operator-token-0123456789';

/**
 * The four services in production mode as separate processes from dist/, in a namespace of their own (fresh
 * database, topic and Redis prefixes) on the local Kafka, PostgreSQL and Redis, pushing to an in-process FCM
 * emulator whose latency the bench sets.
 */
export class LocalStack {
  private deliveryWorkers: BenchService[] = [];
  private deliveryCounter = 0;

  private constructor(
    readonly namespace: TestNamespace,
    readonly fcm: FcmEmulator,
    readonly services: BenchService[],
    readonly urls: StackUrls,
    private readonly deliveryEnv: Record<string, string>,
    private readonly options: LocalStackOptions,
  ) {}

  readonly operatorToken = OPERATOR_TOKEN;

  static async start(options: LocalStackOptions): Promise<LocalStack> {
    // Without endpoints in the environment, the local launcher (deploy/local/infra.sh up), not containers.
    process.env.PUSHMFA_TEST_INFRA ??= process.env.KAFKA_BROKERS && process.env.DATABASE_URL && process.env.REDIS_URL ? 'environment' : 'local';
    const namespace = await createTestNamespace('bench');
    const account = createTestServiceAccount('pushmfa-bench');
    const fcm = await startFcmEmulator({
      latencyMs: options.providerLatencyMs,
      serviceAccounts: [{ clientEmail: account.serviceAccount.client_email, publicKeyPem: account.publicKeyPem }],
    });
    const dir = mkdtempSync(join(tmpdir(), 'pushmfa-bench-'));
    const serviceAccountFile = join(dir, 'service-account.json');
    writeFileSync(serviceAccountFile, JSON.stringify(account.serviceAccount));
    const common = {
      ...namespace.env,
      PUSHMFA_MODE: 'production',
      PUSHMFA_OPERATOR_TOKEN: OPERATOR_TOKEN,
      OFFLINE_CODE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
    const deliveryEnv = { ...common, FCM_SERVICE_ACCOUNT_FILE: serviceAccountFile, FCM_EMULATOR_URL: fcm.url, PUSH_EMULATOR_CA: fcm.caPemPath };
    const [registryPort, challengePort, reportingPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const launch = (label: string, name: BenchServiceName, env: Record<string, string>) =>
      launchService({ label, name, env, profileDir: options.profileDir && join(options.profileDir, label), nodeOptions: options.nodeOptions });
    const results = await Promise.allSettled([
      // Every simulated phone registers from 127.0.0.1: the per-address limit is for real clients, not this one.
      launch('device-registry', 'device-registry', {
        ...common,
        PORT: String(registryPort),
        PUBLIC_BASE_URL: `http://127.0.0.1:${registryPort}`,
        REGISTER_RATE_LIMIT_PER_MINUTE: '1000000',
      }),
      launch('challenge', 'challenge', { ...common, PORT: String(challengePort) }),
      launch('reporting', 'reporting', { ...common, PORT: String(reportingPort) }),
    ]);
    const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    const urls = {
      registry: `http://127.0.0.1:${registryPort}`,
      challenge: `http://127.0.0.1:${challengePort}`,
      reporting: `http://127.0.0.1:${reportingPort}`,
    };
    const stack = new LocalStack(namespace, fcm, started, urls, deliveryEnv, options);
    if (failed) {
      await stack.stop();
      throw failed.reason;
    }
    await stack.startDeliveryWorkers(options.deliveryWorkers);
    return stack;
  }

  /** The service-account file delivery signs its FCM token requests with (the floor baseline uses it too). */
  get fcmServiceAccountFile(): string {
    return this.deliveryEnv.FCM_SERVICE_ACCOUNT_FILE as string;
  }

  /** Every service process running now, delivery workers included. */
  get running(): BenchService[] {
    return [...this.services, ...this.deliveryWorkers];
  }

  async startDeliveryWorkers(count: number, extraEnv: Record<string, string> = {}): Promise<BenchService[]> {
    const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
    const workers = await Promise.all(
      ports.map((port) => {
        const label = `delivery-${++this.deliveryCounter}`;
        return launchService({
          label,
          name: 'delivery',
          env: { ...this.deliveryEnv, ...extraEnv, PORT: String(port) },
          profileDir: this.options.profileDir && join(this.options.profileDir, label),
          nodeOptions: this.options.nodeOptions,
        });
      }),
    );
    this.deliveryWorkers.push(...workers);
    return workers;
  }

  async stopDeliveryWorkers(logDir?: string): Promise<void> {
    const workers = this.deliveryWorkers;
    this.deliveryWorkers = [];
    await Promise.all(workers.map((worker) => worker.stop()));
    if (logDir) {
      mkdirSync(logDir, { recursive: true });
      for (const worker of workers) writeFileSync(join(logDir, `${worker.label}.log`), worker.output());
    }
  }

  /** Stops every process and leaves what each printed in `logDir`, for whoever reads a surprising result. */
  async stop(logDir?: string): Promise<void> {
    const all = [...this.services, ...this.deliveryWorkers];
    await Promise.allSettled(all.map((service) => service.stop()));
    if (logDir) {
      mkdirSync(logDir, { recursive: true });
      for (const service of all) writeFileSync(join(logDir, `${service.label}.log`), service.output());
    }
    this.deliveryWorkers = [];
    await this.fcm.close();
    await this.namespace.dispose().catch(() => undefined);
  }
}
