import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import path from 'node:path';
import { emulatorFilesDir, loadOrCreateUnderLock, readTextIfPresent, writeFileAtomically } from './emulator-files';

/** The fields of a Google service-account JSON key that firebase-admin's `cert()` reads. */
export interface ServiceAccountJson {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  token_uri: string;
}

export interface TestServiceAccount {
  serviceAccount: ServiceAccountJson;
  /** Given to the FCM emulator so it can verify the JWT assertions this account signs. */
  publicKeyPem: string;
}

export interface TestApnsKey {
  keyId: string;
  teamId: string;
  /** The .p8 content (PKCS#8 PEM, P-256), as Apple hands it out. */
  privateKeyPem: string;
  publicKeyPem: string;
}

export function createTestServiceAccount(projectId: string): TestServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientEmail = `firebase-adminsdk-${randomBytes(3).toString('hex')}@${projectId}.iam.gserviceaccount.com`;
  return {
    serviceAccount: {
      type: 'service_account',
      project_id: projectId,
      private_key_id: randomBytes(20).toString('hex'),
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: clientEmail,
      client_id: String(BigInt(`0x${randomBytes(8).toString('hex')}`)),
      token_uri: 'https://oauth2.googleapis.com/token',
    },
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function createTestApnsKey(teamId = 'PUSHMFATEAM'): TestApnsKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    keyId: randomBytes(5).toString('hex').toUpperCase(),
    teamId,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export const DEV_FCM_PROJECT_ID = 'pushmfa-dev';
export const DEV_APNS_TEAM_ID = 'PUSHMFADEV';

/** The development-mode service account, written once to `fcm-service-account.json` and reused after. */
export async function loadOrCreateDevServiceAccount(dir = emulatorFilesDir()): Promise<TestServiceAccount & { filePath: string }> {
  const filePath = path.join(dir, 'fcm-service-account.json');
  const load = async () => {
    const text = await readTextIfPresent(filePath);
    if (text === undefined) return undefined;
    const serviceAccount = JSON.parse(text) as ServiceAccountJson;
    return { serviceAccount, publicKeyPem: publicPemOf(serviceAccount.private_key), filePath };
  };
  return loadOrCreateUnderLock(path.join(dir, '.service-account.lock'), load, async () => {
    const created = createTestServiceAccount(DEV_FCM_PROJECT_ID);
    await writeFileAtomically(filePath, JSON.stringify(created.serviceAccount, null, 2));
    return { ...created, filePath };
  });
}

/** The development-mode APNs key: `apns-key.p8` plus `apns-key.json` naming its key id and team id. */
export async function loadOrCreateDevApnsKey(dir = emulatorFilesDir()): Promise<TestApnsKey & { p8Path: string }> {
  const p8Path = path.join(dir, 'apns-key.p8');
  const metaPath = path.join(dir, 'apns-key.json');
  const load = async () => {
    const [privateKeyPem, metaText] = await Promise.all([readTextIfPresent(p8Path), readTextIfPresent(metaPath)]);
    if (privateKeyPem === undefined || metaText === undefined) return undefined;
    const meta = JSON.parse(metaText) as { keyId: string; teamId: string };
    return { ...meta, privateKeyPem, publicKeyPem: publicPemOf(privateKeyPem), p8Path };
  };
  return loadOrCreateUnderLock(path.join(dir, '.apns-key.lock'), load, async () => {
    const created = createTestApnsKey(DEV_APNS_TEAM_ID);
    await writeFileAtomically(p8Path, created.privateKeyPem);
    await writeFileAtomically(metaPath, JSON.stringify({ keyId: created.keyId, teamId: created.teamId }, null, 2));
    return { ...created, p8Path };
  });
}

function publicPemOf(privateKeyPem: string): string {
  return createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
}
