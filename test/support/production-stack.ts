import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ApnsEmulator, assertJestCanRunFirebaseAdmin, type FcmEmulator, startCheckedPushEmulators } from '@pushmfa/push-emulators';
import { createTestNamespace, freePort, type RunningService, startServiceProcesses, type TestNamespace } from '@pushmfa/testing';

const LOGS_DIR = join(__dirname, '..', '..', '.local', 'e2e-logs');

export interface ProductionStackOptions {
  /** Names the namespace and the log files left in .local/e2e-logs/. */
  label: string;
  operatorToken: string;
  /** The services' LOG_LEVEL; `debug` lets a test read everything they say. */
  logLevel?: 'debug' | 'info' | 'warn';
  /** Adds to the reporting service's environment (the webhook sender's loopback receivers and short backoff). */
  reportingEnv?: Record<string, string>;
}

/**
 * The product as an operator runs it: the four built services as processes in production mode, on the real broker,
 * database and cache (a namespace of their own), pushing through the real firebase-admin and node-apn SDKs to the
 * FCM and APNs emulators over TLS.
 */
export interface ProductionStack {
  ns: TestNamespace;
  fcm: FcmEmulator;
  apns: ApnsEmulator;
  operatorToken: string;
  registry: RunningService;
  challenge: RunningService;
  delivery: RunningService;
  reporting: RunningService;
  /** The challenge service's port, for a proxy that stands between it and one phone. */
  challengePort: number;
  services(): RunningService[];
  /** SIGTERM to every service; their exit codes by name. */
  stopServices(): Promise<Record<string, number | null>>;
  /** Stops everything, leaves each service's output in .local/e2e-logs/<label>.<service>.log, drops the namespace. */
  close(): Promise<void>;
}

export async function startProductionStack(options: ProductionStackOptions): Promise<ProductionStack> {
  assertJestCanRunFirebaseAdmin();
  const ns = await createTestNamespace(options.label);
  const emulators = await startCheckedPushEmulators(options.label);
  const { fcm, apns } = emulators;

  const common: Record<string, string> = {
    ...ns.env,
    PUSHMFA_MODE: 'production',
    PUSHMFA_OPERATOR_TOKEN: options.operatorToken,
    OFFLINE_CODE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: options.logLevel ?? 'warn',
  };
  const [registryPort, challengePort, deliveryPort, reportingPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  let started: RunningService[];
  try {
    started = await startServiceProcesses([
      // Every simulated phone registers from 127.0.0.1: the per-address limit is for real clients, not this one.
      {
        name: 'device-registry',
        env: { ...common, PORT: String(registryPort), PUBLIC_BASE_URL: `http://127.0.0.1:${registryPort}`, REGISTER_RATE_LIMIT_PER_MINUTE: '100000' },
      },
      { name: 'challenge', env: { ...common, PORT: String(challengePort) } },
      {
        name: 'delivery',
        env: {
          ...common,
          PORT: String(deliveryPort),
          ...emulators.deliveryEnv,
        },
      },
      { name: 'reporting', env: { ...common, PORT: String(reportingPort), ...options.reportingEnv } },
    ]);
  } catch (error) {
    await emulators.close();
    await ns.dispose();
    throw error;
  }
  const [registry, challenge, delivery, reporting] = started as [RunningService, RunningService, RunningService, RunningService];
  const services = () => [registry, challenge, delivery, reporting];

  const stopServices = async () => Object.fromEntries(await Promise.all(services().map(async (s) => [s.name, await s.stop()] as const)));
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      await stopServices();
      mkdirSync(LOGS_DIR, { recursive: true });
      for (const service of services()) writeFileSync(join(LOGS_DIR, `${options.label}.${service.name}.log`), service.output());
      await emulators.close();
      await ns.dispose();
    })();
    return closed;
  };

  return { ns, fcm, apns, operatorToken: options.operatorToken, registry, challenge, delivery, reporting, challengePort, services, stopServices, close };
}
