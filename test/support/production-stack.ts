import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ApnsEmulator,
  assertJestCanRunFirebaseAdmin,
  createTestApnsKey,
  createTestServiceAccount,
  type FcmEmulator,
  loadOrCreateTestCa,
  startApnsEmulator,
  startFcmEmulator,
} from '@pushmfa/push-emulators';
import { createTestNamespace, freePort, type RunningService, startServiceProcesses, type TestNamespace } from '@pushmfa/testing';

/** The bundle id delivery sends as apns-topic: the iOS authenticator app. */
export const APNS_BUNDLE_ID = 'dev.pushmfa.authenticator';

const LOGS_DIR = join(__dirname, '..', '..', '.local', 'e2e-logs');

export interface ProductionStackOptions {
  /** Names the namespace and the log files left in .local/e2e-logs/. */
  label: string;
  operatorToken: string;
  /** The services' LOG_LEVEL; `debug` lets a test read everything they say. */
  logLevel?: 'debug' | 'info' | 'warn';
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
  const testCa = await loadOrCreateTestCa();
  const account = createTestServiceAccount(`pushmfa-${options.label}`);
  const apnsKey = createTestApnsKey();
  const ns = await createTestNamespace(options.label);
  const credentialsDir = mkdtempSync(join(tmpdir(), `pushmfa-${options.label}-`));
  const serviceAccountFile = join(credentialsDir, 'service-account.json');
  const apnsKeyFile = join(credentialsDir, 'apns.p8');
  writeFileSync(serviceAccountFile, JSON.stringify(account.serviceAccount));
  writeFileSync(apnsKeyFile, apnsKey.privateKeyPem);
  // Both emulators check the credentials: a push signed with anything else is refused as a real provider would.
  const fcm = await startFcmEmulator({
    testCa,
    serviceAccounts: [{ clientEmail: account.serviceAccount.client_email, publicKeyPem: account.publicKeyPem }],
    requireKnownServiceAccount: true,
  });
  const apns = await startApnsEmulator({ testCa, signingKeys: [apnsKey], requireKnownKey: true });

  const common: Record<string, string> = {
    ...ns.env,
    PUSHMFA_MODE: 'production',
    PUSHMFA_OPERATOR_TOKEN: options.operatorToken,
    LOG_LEVEL: options.logLevel ?? 'warn',
  };
  const [registryPort, challengePort, deliveryPort, reportingPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  let started: RunningService[];
  try {
    started = await startServiceProcesses([
      { name: 'device-registry', env: { ...common, PORT: String(registryPort), PUBLIC_BASE_URL: `http://127.0.0.1:${registryPort}` } },
      { name: 'challenge', env: { ...common, PORT: String(challengePort) } },
      {
        name: 'delivery',
        env: {
          ...common,
          PORT: String(deliveryPort),
          PUSH_EMULATOR_CA: testCa.caPemPath,
          FCM_SERVICE_ACCOUNT_FILE: serviceAccountFile,
          FCM_EMULATOR_URL: fcm.url,
          APNS_KEY_FILE: apnsKeyFile,
          APNS_KEY_ID: apnsKey.keyId,
          APNS_TEAM_ID: apnsKey.teamId,
          APNS_BUNDLE_ID,
          APNS_EMULATOR_URL: apns.url,
        },
      },
      { name: 'reporting', env: { ...common, PORT: String(reportingPort) } },
    ]);
  } catch (error) {
    await Promise.all([fcm.close(), apns.close()]);
    await ns.dispose();
    rmSync(credentialsDir, { recursive: true, force: true });
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
      await Promise.all([fcm.close(), apns.close()]);
      await ns.dispose();
      rmSync(credentialsDir, { recursive: true, force: true });
    })();
    return closed;
  };

  return { ns, fcm, apns, operatorToken: options.operatorToken, registry, challenge, delivery, reporting, challengePort, services, stopServices, close };
}
