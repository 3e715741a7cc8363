import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApnsEmulator, startApnsEmulator } from './apns-emulator';
import { type FcmEmulator, startFcmEmulator } from './fcm-emulator';
import { loadOrCreateTestCa } from './test-ca';
import { createTestApnsKey, createTestServiceAccount } from './test-credentials';

/** The bundle id delivery sends as apns-topic: the iOS authenticator app. */
export const TEST_APNS_BUNDLE_ID = 'dev.pushmfa.authenticator';

export interface CheckedPushEmulators {
  fcm: FcmEmulator;
  apns: ApnsEmulator;
  /** The delivery service's environment for pushing to these emulators with the credentials they accept. */
  deliveryEnv: Record<string, string>;
  /** Stops both emulators and deletes the credential files. */
  close(): Promise<void>;
}

/**
 * Both emulators, each accepting only a fresh test credential (a service account for FCM, a .p8 key for APNs),
 * so a push signed with anything else is refused as a real provider would; the credentials are written to files
 * the delivery service reads, as it reads real ones.
 */
export async function startCheckedPushEmulators(label: string): Promise<CheckedPushEmulators> {
  const testCa = await loadOrCreateTestCa();
  const account = createTestServiceAccount(`pushmfa-${label}`);
  const apnsKey = createTestApnsKey();
  const fcm = await startFcmEmulator({
    testCa,
    serviceAccounts: [{ clientEmail: account.serviceAccount.client_email, publicKeyPem: account.publicKeyPem }],
    requireKnownServiceAccount: true,
  });
  const apns = await startApnsEmulator({ testCa, signingKeys: [apnsKey], requireKnownKey: true });
  const credentialsDir = mkdtempSync(join(tmpdir(), `pushmfa-${label}-`));
  const serviceAccountFile = join(credentialsDir, 'service-account.json');
  const apnsKeyFile = join(credentialsDir, 'apns.p8');
  writeFileSync(serviceAccountFile, JSON.stringify(account.serviceAccount));
  writeFileSync(apnsKeyFile, apnsKey.privateKeyPem);
  return {
    fcm,
    apns,
    deliveryEnv: {
      PUSH_EMULATOR_CA: testCa.caPemPath,
      FCM_SERVICE_ACCOUNT_FILE: serviceAccountFile,
      FCM_EMULATOR_URL: fcm.url,
      APNS_KEY_FILE: apnsKeyFile,
      APNS_KEY_ID: apnsKey.keyId,
      APNS_TEAM_ID: apnsKey.teamId,
      APNS_BUNDLE_ID: TEST_APNS_BUNDLE_ID,
      APNS_EMULATOR_URL: apns.url,
    },
    close: async () => {
      await Promise.all([fcm.close(), apns.close()]);
      rmSync(credentialsDir, { recursive: true, force: true });
    },
  };
}
