import path from 'node:path';
import { startApnsEmulator } from './apns-emulator';
import { startEmulatorControlServer } from './emulator-control.server';
import { emulatorFilesDir, writeFileAtomically } from './emulator-files';
import { startFcmEmulator } from './fcm-emulator';
import { loadOrCreateTestCa } from './test-ca';
import { loadOrCreateDevApnsKey, loadOrCreateDevServiceAccount } from './test-credentials';

const DEV_APNS_BUNDLE_ID = 'dev.pushmfa.authenticator';

/**
 * Development mode and the benchmark: both emulators on fixed ports, their control API, and the dev credentials.
 * Writes `emulators.env` next to the CA so a start script can `source` the variables the delivery service reads.
 */
async function main(): Promise<void> {
  const fcmPort = readPort('FCM_EMULATOR_PORT', 9443);
  const apnsPort = readPort('APNS_EMULATOR_PORT', 9444);
  const controlPort = readPort('EMULATOR_CONTROL_PORT', 9445);
  const dir = emulatorFilesDir();
  const testCa = await loadOrCreateTestCa(dir);
  const serviceAccount = await loadOrCreateDevServiceAccount(dir);
  const apnsKey = await loadOrCreateDevApnsKey(dir);

  const fcm = await startFcmEmulator({
    port: fcmPort,
    testCa,
    serviceAccounts: [{ clientEmail: serviceAccount.serviceAccount.client_email, publicKeyPem: serviceAccount.publicKeyPem }],
  });
  const apns = await startApnsEmulator({ port: apnsPort, testCa, signingKeys: [apnsKey] });
  const control = await startEmulatorControlServer({ port: controlPort, fcm, apns });

  const env = {
    PUSH_EMULATOR_CA: testCa.caPemPath,
    FCM_SERVICE_ACCOUNT_FILE: serviceAccount.filePath,
    FCM_EMULATOR_URL: fcm.url,
    APNS_KEY_FILE: apnsKey.p8Path,
    APNS_KEY_ID: apnsKey.keyId,
    APNS_TEAM_ID: apnsKey.teamId,
    APNS_BUNDLE_ID: process.env.APNS_BUNDLE_ID ?? DEV_APNS_BUNDLE_ID,
    APNS_EMULATOR_URL: apns.url,
    EMULATOR_CONTROL_URL: control.url,
  };
  const envFile = path.join(dir, 'emulators.env');
  await writeFileAtomically(
    envFile,
    Object.entries(env)
      .map(([name, value]) => `${name}=${value}`)
      .join('\n') + '\n',
    0o644,
  );

  console.log(`push-emulators: FCM  ${fcm.url} (project ${serviceAccount.serviceAccount.project_id})`);
  console.log(`push-emulators: APNs ${apns.url} (key ${apnsKey.keyId}, team ${apnsKey.teamId})`);
  console.log(`push-emulators: control API ${control.url}`);
  console.log(`push-emulators: test CA ${testCa.caPemPath}`);
  console.log(`push-emulators: FCM service account ${serviceAccount.filePath}`);
  console.log(`push-emulators: APNs .p8 key ${apnsKey.p8Path}`);
  console.log(`push-emulators: delivery settings written to ${envFile}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.all([control.close(), fcm.close(), apns.close()]);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

function readPort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name} must be a TCP port (got "${raw}")`);
  return port;
}

main().catch((error: unknown) => {
  console.error(`push-emulators: failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
