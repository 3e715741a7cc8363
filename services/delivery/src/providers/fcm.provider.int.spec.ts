import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertJestCanRunFirebaseAdmin, createTestServiceAccount, startFcmEmulator, type FcmEmulator } from '@pushmfa/push-emulators';
import { FcmPushProvider } from './fcm.provider';
import type { PushMessage } from './push-provider.port';

const PROJECT_ID = 'pushmfa-int-test';
const account = createTestServiceAccount(PROJECT_ID);
let emulator: FcmEmulator;
let provider: FcmPushProvider;
let credentialsDir: string;

async function serviceAccountFile(serviceAccount: object): Promise<string> {
  const filePath = path.join(credentialsDir, `${randomUUID()}.json`);
  await writeFile(filePath, JSON.stringify(serviceAccount), { mode: 0o600 });
  return filePath;
}

function pushMessage(overrides: Partial<PushMessage> = {}): PushMessage {
  return {
    challengeId: randomUUID(),
    workspaceId: randomUUID(),
    deviceId: randomUUID(),
    pushToken: `fcm-token-${randomUUID()}`,
    expiresAt: Date.now() + 60_000,
    context: { application: 'Payroll', ipAddress: '203.0.113.7', location: 'Lyon, FR', userAgent: 'Firefox 128' },
    attempt: 1,
    ...overrides,
  };
}

const soon = () => ({ deadlineMs: Date.now() + 5_000 });

beforeAll(async () => {
  assertJestCanRunFirebaseAdmin();
  emulator = await startFcmEmulator({
    serviceAccounts: [{ clientEmail: account.serviceAccount.client_email, publicKeyPem: account.publicKeyPem }],
    requireKnownServiceAccount: true,
  });
  credentialsDir = await mkdtemp(path.join(tmpdir(), 'pushmfa-fcm-'));
  provider = new FcmPushProvider({
    serviceAccountFile: await serviceAccountFile(account.serviceAccount),
    emulator: { host: '127.0.0.1', port: emulator.port, caPem: emulator.caPem },
  });
});

afterAll(async () => {
  await provider?.close();
  await emulator?.close();
  await rm(credentialsDir, { recursive: true, force: true });
});

describe('FCM provider against the FCM emulator (real firebase-admin)', () => {
  it('delivers a high-priority data message living until the challenge expires, without the number to match', async () => {
    const message = pushMessage();

    const result = await provider.send(message, soon());

    expect(result).toMatchObject({ outcome: 'accepted', providerMessageId: expect.stringMatching(`^projects/${PROJECT_ID}/messages/`) });
    const [received] = emulator.received().filter((entry) => entry.token === message.pushToken);
    expect(received?.headers.host).toBe('fcm.googleapis.com');
    const sent = (received?.body as { message: Record<string, any> }).message;
    expect(sent.data).toEqual({
      type: 'pushmfa.challenge',
      challengeId: message.challengeId,
      workspaceId: message.workspaceId,
      expiresAt: String(message.expiresAt),
      attempt: '1',
      title: 'Sign-in request: was it you?',
      body: 'Reported by the sign-in: app “Payroll”, from “Lyon, FR”, IP “203.0.113.7”, browser “Firefox 128”.',
      application: 'Payroll',
      ipAddress: '203.0.113.7',
      location: 'Lyon, FR',
      userAgent: 'Firefox 128',
    });
    expect(Object.values(sent.data).every((value) => typeof value === 'string')).toBe(true);
    expect(sent.android.priority).toBe('high');
    expect(sent.android.collapse_key).toBe(message.challengeId);
    const ttlSeconds = Number(/^(\d+(?:\.\d+)?)s$/.exec(sent.android.ttl)?.[1]);
    expect(ttlSeconds).toBeGreaterThan(50);
    expect(ttlSeconds).toBeLessThanOrEqual(60);
    expect(JSON.stringify(received?.body)).not.toMatch(/numberMatch/i);
  });

  it('carries a "choose" challenge\'s three numbers as one string, in the order the app offers them', async () => {
    const message = { ...pushMessage(), numberChoices: ['481', '027', '903'] };

    expect((await provider.send(message, soon())).outcome).toBe('accepted');
    const [received] = emulator.received().filter((entry) => entry.token === message.pushToken);
    expect((received?.body as { message: { data: Record<string, string> } }).message.data.numberChoices).toBe('481,027,903');
  });

  it('fetched its OAuth2 token from the emulator with a correctly signed assertion', () => {
    const fetches = emulator.tokenRequests();
    expect(fetches.length).toBeGreaterThan(0);
    expect(fetches[0]).toMatchObject({
      host: 'oauth2.googleapis.com',
      clientEmail: account.serviceAccount.client_email,
      granted: true,
      signatureVerified: true,
    });
  });

  it.each([
    ['UNREGISTERED', 'dead_token'],
    ['INVALID_ARGUMENT', 'dead_token'],
    ['UNAVAILABLE', 'transient'],
    ['INTERNAL', 'transient'],
    ['QUOTA_EXCEEDED', 'rate_limited'],
    ['THIRD_PARTY_AUTH_ERROR', 'auth_error'],
    ['SENDER_ID_MISMATCH', 'auth_error'],
  ] as const)('maps FCM %s to %s', async (fcmError, outcome) => {
    const message = pushMessage();
    emulator.script(message.pushToken, { fail: fcmError, retryAfterSeconds: 1 });

    const result = await provider.send(message, soon());

    expect(result.outcome).toBe(outcome);
  });

  it('answers timeout by the deadline when FCM is slower than it', async () => {
    const message = pushMessage();
    emulator.script(message.pushToken, { delayMs: 3_000 });
    const deadlineMs = Date.now() + 300;

    const result = await provider.send(message, { deadlineMs });

    expect(result).toEqual({ outcome: 'timeout' });
    expect(Date.now()).toBeLessThan(deadlineMs + 250);
  });

  it('treats a dropped connection as transient', async () => {
    const message = pushMessage();
    emulator.script(message.pushToken, { fail: 'DROP_CONNECTION' });

    const result = await provider.send(message, soon());

    expect(result).toMatchObject({ outcome: 'transient', reason: 'app/network-error' });
  });

  it('leaves retrying a 503 to delivery, so the next attempt succeeds', async () => {
    const message = pushMessage();
    emulator.script(message.pushToken, { fail: 'UNAVAILABLE', times: 1 });

    expect((await provider.send(message, soon())).outcome).toBe('transient');
    expect((await provider.send(message, soon())).outcome).toBe('accepted');
    expect(
      emulator
        .received()
        .filter((entry) => entry.token === message.pushToken)
        .map((entry) => entry.answer),
    ).toEqual([503, 200]);
  });

  it('reports auth_error when the token endpoint refuses the service account', async () => {
    const stranger = new FcmPushProvider({
      serviceAccountFile: await serviceAccountFile(createTestServiceAccount(PROJECT_ID).serviceAccount),
      emulator: { host: '127.0.0.1', port: emulator.port, caPem: emulator.caPem },
    });
    try {
      const result = await stranger.send(pushMessage(), soon());
      expect(result).toEqual({ outcome: 'auth_error', reason: 'app/invalid-credential' });
    } finally {
      await stranger.close();
    }
  });
});
