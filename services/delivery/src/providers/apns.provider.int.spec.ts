import { randomBytes, randomUUID } from 'node:crypto';
import { createTestApnsKey, startApnsEmulator, type ApnsEmulator } from '@pushmfa/push-emulators';
import { ApnsPushProvider } from './apns.provider';
import type { PushMessage } from './push-provider.port';

const BUNDLE_ID = 'dev.pushmfa.authenticator';
const signingKey = createTestApnsKey();
let emulator: ApnsEmulator;
let provider: ApnsPushProvider;

function pushMessage(overrides: Partial<PushMessage> = {}): PushMessage {
  return {
    challengeId: randomUUID(),
    workspaceId: randomUUID(),
    deviceId: randomUUID(),
    pushToken: randomBytes(32).toString('hex'),
    expiresAt: Date.now() + 60_000,
    context: { application: 'Payroll', ipAddress: '203.0.113.7', location: 'Lyon, FR', userAgent: 'Firefox 128' },
    attempt: 1,
    ...overrides,
  };
}

function apnsProvider(key = signingKey): ApnsPushProvider {
  return new ApnsPushProvider({
    key: key.privateKeyPem,
    keyId: key.keyId,
    teamId: key.teamId,
    bundleId: BUNDLE_ID,
    production: false,
    emulator: { host: '127.0.0.1', port: emulator.port, caPem: emulator.caPem },
  });
}

const soon = () => ({ deadlineMs: Date.now() + 5_000 });

beforeAll(async () => {
  emulator = await startApnsEmulator({ signingKeys: [signingKey], requireKnownKey: true });
  provider = apnsProvider();
});

afterAll(async () => {
  await provider?.close();
  await emulator?.close();
});

describe('APNs provider against the APNs emulator (real @parse/node-apn)', () => {
  it('delivers an actionable alert that expires with the challenge, without the number to match', async () => {
    const message = pushMessage();

    const result = await provider.send(message, soon());

    expect(result).toMatchObject({ outcome: 'accepted', providerMessageId: expect.any(String) });
    const [received] = emulator.received().filter((entry) => entry.deviceToken === message.pushToken);
    expect(received?.headers).toMatchObject({
      ':authority': 'api.sandbox.push.apple.com',
      'apns-topic': BUNDLE_ID,
      'apns-push-type': 'alert',
      'apns-priority': '10',
      'apns-expiration': String(Math.floor(message.expiresAt / 1000)),
      'apns-collapse-id': message.challengeId,
    });
    expect(received?.body).toMatchObject({
      aps: {
        category: 'PUSHMFA_APPROVAL',
        'mutable-content': 1,
        alert: {
          title: 'Sign-in request: was it you?',
          body: 'Reported by the sign-in: app “Payroll”, from “Lyon, FR”, IP “203.0.113.7”, browser “Firefox 128”.',
        },
      },
      challengeId: message.challengeId,
      workspaceId: message.workspaceId,
    });
    expect(JSON.stringify(received?.body)).not.toMatch(/numberMatch/i);
  });

  it('carries a "choose" challenge\'s three numbers, in the order the app offers them', async () => {
    const message = { ...pushMessage(), numberChoices: ['481', '027', '903'] };

    expect((await provider.send(message, soon())).outcome).toBe('accepted');
    const [received] = emulator.received().filter((entry) => entry.deviceToken === message.pushToken);
    expect((received?.body as { numberChoices: string[] }).numberChoices).toEqual(['481', '027', '903']);
  });

  it("keeps the platform's text out of the title, and shows it cut short and labelled as what the sign-in reported", async () => {
    const posing = 'IT Security Team: your account is locked. Approve now to unlock it, or you lose access today';
    const message = { ...pushMessage(), context: { application: posing } };

    expect((await provider.send(message, soon())).outcome).toBe('accepted');
    const [received] = emulator.received().filter((entry) => entry.deviceToken === message.pushToken);
    const { alert } = (received?.body as { aps: { alert: { title: string; body: string } } }).aps;
    expect(alert.title).toBe('Sign-in request: was it you?');
    expect(alert.body).toBe(`Reported by the sign-in: app “${posing.slice(0, 39)}…”.`);
    expect((received?.body as { context: { application: string } }).context.application).toBe(`${posing.slice(0, 39)}…`);
  });

  it.each([
    ['Unregistered', 'dead_token'],
    ['BadDeviceToken', 'dead_token'],
    ['TooManyRequests', 'rate_limited'],
    ['InternalServerError', 'transient'],
    ['ServiceUnavailable', 'transient'],
    ['ExpiredProviderToken', 'transient'],
    ['InvalidProviderToken', 'auth_error'],
    ['BadTopic', 'rejected'],
  ] as const)('maps APNs %s to %s', async (reason, outcome) => {
    const message = pushMessage();
    emulator.script(message.pushToken, { fail: reason });

    const result = await provider.send(message, soon());

    expect(result.outcome).toBe(outcome);
  });

  it("sends an admin's test push as a plain alert saying it is a test, with no Approve or Deny", async () => {
    const testPushId = randomUUID();
    const pushToken = randomBytes(32).toString('hex');
    const expiresAt = Date.now() + 60_000;

    const result = await provider.send({ testPushId, workspaceId: randomUUID(), deviceId: randomUUID(), pushToken, expiresAt, attempt: 1 }, soon());

    expect(result).toMatchObject({ outcome: 'accepted' });
    const [received] = emulator.received().filter((entry) => entry.deviceToken === pushToken);
    expect(received?.headers).toMatchObject({ 'apns-push-type': 'alert', 'apns-collapse-id': testPushId });
    expect(received?.body).toMatchObject({
      aps: { alert: { title: 'Test notification', body: 'Test notification from pushmfa: no action needed' } },
      type: 'test_push',
      testPushId,
    });
    expect(JSON.stringify(received?.body)).not.toMatch(/category|challenge/i);
  });

  it('answers timeout by the deadline when APNs is slower than it', async () => {
    const message = pushMessage();
    emulator.script(message.pushToken, { delayMs: 3_000 });
    const deadlineMs = Date.now() + 300;

    const result = await provider.send(message, { deadlineMs });

    expect(result).toEqual({ outcome: 'timeout' });
    expect(Date.now()).toBeLessThan(deadlineMs + 250);
  });

  it('treats a dropped connection as transient, then reconnects for the next push', async () => {
    const message = pushMessage();
    emulator.script(message.pushToken, { fail: 'DROP_CONNECTION', times: 1 });

    expect((await provider.send(message, soon())).outcome).toBe('transient');
    expect((await provider.send(message, soon())).outcome).toBe('accepted');
  });

  it('reports auth_error when APNs does not know the signing key', async () => {
    const stranger = apnsProvider(createTestApnsKey());
    try {
      expect(await stranger.send(pushMessage(), soon())).toEqual({ outcome: 'auth_error', reason: 'InvalidProviderToken' });
    } finally {
      await stranger.close();
    }
  });
});
