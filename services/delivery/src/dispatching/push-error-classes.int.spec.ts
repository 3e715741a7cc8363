import { randomBytes, randomUUID } from 'node:crypto';
import { DeliveryTestHarness, type DeliveryWorker } from '../delivery.test-app';
import { metricValue } from '../prometheus-text.test-metrics';
import { RETRY_CAP_MS } from './delivery-retry-policy';
import { APNS_RATE_LIMIT_PAUSE_MS } from './push-outcome-decision';

jest.setTimeout(90_000);

// Short, so the breaker's half-open probe can be seen within a test.
const BREAKER_COOLDOWN_MS = 2_000;

let harness: DeliveryTestHarness;
let worker: DeliveryWorker;

const inAMinute = () => new Date(Date.now() + 60_000);
const apnsToken = () => randomBytes(32).toString('hex');
const fcmToken = () => `fcm-${randomUUID()}`;

async function pushTo(provider: 'fcm' | 'apns', token: string, expiresAt = inAMinute()) {
  const deviceId = `dev-${randomUUID()}`;
  const challengeId = `ch-${randomUUID()}`;
  await harness.pairDevice(provider, deviceId, token);
  await harness.issueChallenge(challengeId, [{ deviceId, provider }], expiresAt);
  return { deviceId, challengeId, expiresAt };
}

const typesOf = (challengeId: string, deviceId: string) => harness.eventsOf(challengeId, deviceId).map((r) => r.envelope.type);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  harness = await DeliveryTestHarness.start('delivery-errors');
  worker = await harness.startWorker({ DELIVERY_BREAKER_COOLDOWN_MS: String(BREAKER_COOLDOWN_MS) });
});

afterAll(async () => {
  await worker?.close();
  await harness?.stop();
});

describe('every provider answer is classified through the real SDKs (firebase-admin, node-apn) and the emulators', () => {
  it('dead token (FCM UNREGISTERED, APNs 410 and 400 BadDeviceToken): PushRejected, never retried', async () => {
    const fcmDead = fcmToken();
    harness.fcm.script(fcmDead, { fail: 'UNREGISTERED' });
    const apnsGone = apnsToken();
    harness.apns.script(apnsGone, { fail: 'Unregistered' });
    const apnsBad = apnsToken();
    harness.apns.script(apnsBad, { fail: 'BadDeviceToken' });
    const pushes = [await pushTo('fcm', fcmDead), await pushTo('apns', apnsGone), await pushTo('apns', apnsBad)];

    for (const push of pushes) await harness.waitForEvent('PushRejected', push.challengeId, push.deviceId);
    await sleep(1_500);

    expect(harness.fcmPushesTo(fcmDead)).toHaveLength(1);
    expect(harness.apnsPushesTo(apnsGone)).toHaveLength(1);
    expect(harness.apnsPushesTo(apnsBad)).toHaveLength(1);
    for (const push of pushes) expect(typesOf(push.challengeId, push.deviceId)).toEqual(['PushRejected']);
  });

  it('transient (FCM UNAVAILABLE / INTERNAL, APNs 503): retried with backoff, then dispatched', async () => {
    const fcmFlaky = fcmToken();
    harness.fcm.script(fcmFlaky, { fail: 'UNAVAILABLE', times: 1 });
    const fcmInternal = fcmToken();
    harness.fcm.script(fcmInternal, { fail: 'INTERNAL', times: 2 });
    const apnsFlaky = apnsToken();
    harness.apns.script(apnsFlaky, { fail: 'ServiceUnavailable', times: 1 });
    const flaky = await pushTo('fcm', fcmFlaky);
    const internal = await pushTo('fcm', fcmInternal);
    const apns = await pushTo('apns', apnsFlaky);

    const dispatched = await harness.waitForEvent('PushDispatched', internal.challengeId, internal.deviceId);
    expect(dispatched.envelope.data.attempt).toBe(3);
    expect(typesOf(internal.challengeId, internal.deviceId)).toEqual(['PushAttemptFailed', 'PushAttemptFailed', 'PushDispatched']);
    for (const push of [flaky, apns]) {
      expect((await harness.waitForEvent('PushDispatched', push.challengeId, push.deviceId)).envelope.data.attempt).toBe(2);
    }
    const retryIn = harness
      .eventsOf(internal.challengeId, internal.deviceId)
      .map((r) => r.envelope.data.retryInMs)
      .filter((ms) => ms !== undefined);
    // Full jitter: try 1 waits in [0, 1 s), try 2 in [0, 2 s); never above the cap.
    expect(retryIn[0]).toBeLessThan(1_000);
    expect(retryIn[1]).toBeLessThan(2_000);
    for (const ms of retryIn) expect(ms).toBeLessThanOrEqual(RETRY_CAP_MS);
  });

  it('transient: at most 3 attempts, then PushFailed', async () => {
    const token = fcmToken();
    harness.fcm.script(token, { fail: 'UNAVAILABLE' });
    const push = await pushTo('fcm', token);

    await harness.waitForEvent('PushFailed', push.challengeId, push.deviceId);
    await sleep(1_000);

    expect(harness.fcmPushesTo(token)).toHaveLength(3);
    expect(typesOf(push.challengeId, push.deviceId)).toEqual(['PushAttemptFailed', 'PushAttemptFailed', 'PushFailed']);
  });

  it('transient: never tries past the challenge expiry', async () => {
    const token = apnsToken();
    harness.apns.script(token, { fail: 'InternalServerError', delayMs: 600 });
    const push = await pushTo('apns', token, new Date(Date.now() + 1_500));

    await harness.waitForEvent('PushFailed', push.challengeId, push.deviceId);
    await sleep(2_000);

    const received = harness.apnsPushesTo(token);
    expect(received.length).toBeGreaterThanOrEqual(1);
    for (const entry of received) expect(entry.receivedAtMs).toBeLessThan(push.expiresAt.getTime());
  });

  it('rate limited, FCM QUOTA_EXCEEDED: gives up at once and records why', async () => {
    const token = fcmToken();
    harness.fcm.script(token, { fail: 'QUOTA_EXCEEDED', retryAfterSeconds: 60 });
    const push = await pushTo('fcm', token);

    const failed = await harness.waitForEvent('PushFailed', push.challengeId, push.deviceId);
    await sleep(1_500);

    expect(failed.envelope.data.reason).toMatch(/^rate_limited: /);
    expect(harness.fcmPushesTo(token)).toHaveLength(1);
  });

  it('rate limited, APNs 429: one retry after a short pause', async () => {
    const once = apnsToken();
    harness.apns.script(once, { fail: 'TooManyRequests', times: 1 });
    const always = apnsToken();
    harness.apns.script(always, { fail: 'TooManyRequests' });
    const recovered = await pushTo('apns', once);
    const limited = await pushTo('apns', always);

    await harness.waitForEvent('PushDispatched', recovered.challengeId, recovered.deviceId);
    const failed = await harness.waitForEvent('PushFailed', limited.challengeId, limited.deviceId);
    await sleep(1_500);

    expect(failed.envelope.data.reason).toBe('rate_limited: TooManyRequests');
    const tries = harness.apnsPushesTo(always);
    expect(tries).toHaveLength(2);
    expect(tries[1]!.receivedAtMs - tries[0]!.receivedAtMs).toBeGreaterThanOrEqual(APNS_RATE_LIMIT_PAUSE_MS - 50);
  });

  it('our mistake (APNs 400 BadTopic, 413, FCM INVALID_ARGUMENT about the message): no retry, PushFailed, a dead-lettered copy and an error metric', async () => {
    const badTopic = apnsToken();
    harness.apns.script(badTopic, { fail: 'BadTopic' });
    const tooLarge = apnsToken();
    harness.apns.script(tooLarge, { fail: 'PayloadTooLarge' });
    const badMessage = fcmToken();
    harness.fcm.script(badMessage, { fail: 'INVALID_MESSAGE' });
    const push = await pushTo('apns', badTopic);
    const large = await pushTo('apns', tooLarge);
    const fcmPush = await pushTo('fcm', badMessage);

    const failed = await harness.waitForEvent('PushFailed', push.challengeId, push.deviceId);
    await harness.waitForEvent('PushFailed', large.challengeId, large.deviceId);
    const fcmFailed = await harness.waitForEvent('PushFailed', fcmPush.challengeId, fcmPush.deviceId);
    const copy = await harness.deadLetters.waitFor('the dead-lettered push', (record) => record.key === push.challengeId);
    await sleep(1_000);

    expect(failed.envelope.data.reason).toBe('rejected: BadTopic');
    expect(harness.apnsPushesTo(badTopic)).toHaveLength(1);
    expect(copy.headers['dlq-reason']).toBe('rejected: BadTopic');
    const body = JSON.parse(copy.value) as { provider: string; job: Record<string, unknown> };
    expect(body).toMatchObject({ provider: 'apns', job: { challengeId: push.challengeId, deviceId: push.deviceId, workspaceId: harness.workspaceId } });
    expect(copy.value).not.toContain(badTopic);
    expect(metricValue(await worker.metrics(), 'delivery_push_dead_lettered_total', { provider: 'apns' })).toBe(2);
    // A malformed message is ours to fix, unlike a malformed token: the device keeps its token.
    expect(fcmFailed.envelope.data.reason).toBe('rejected: messaging/invalid-argument');
    expect(harness.fcmPushesTo(badMessage)).toHaveLength(1);
    expect(typesOf(fcmPush.challengeId, fcmPush.deviceId)).toEqual(['PushFailed']);
    expect(metricValue(await worker.metrics(), 'delivery_push_dead_lettered_total', { provider: 'fcm' })).toBe(1);
  });

  it("fans out to one user's Android and iPhones independently: a dead token is rejected, the live phones get their push", async () => {
    const android = { deviceId: `dev-${randomUUID()}`, provider: 'fcm' as const, token: fcmToken() };
    const iphone = { deviceId: `dev-${randomUUID()}`, provider: 'apns' as const, token: apnsToken() };
    const oldIphone = { deviceId: `dev-${randomUUID()}`, provider: 'apns' as const, token: apnsToken() };
    harness.apns.script(oldIphone.token, { fail: 'Unregistered' });
    const phones = [android, oldIphone, iphone];
    for (const phone of phones) await harness.pairDevice(phone.provider, phone.deviceId, phone.token);
    const challengeId = `ch-${randomUUID()}`;
    await harness.issueChallenge(challengeId, phones, inAMinute());

    await harness.waitForEvent('PushRejected', challengeId, oldIphone.deviceId);
    await harness.waitForEvent('PushDispatched', challengeId, android.deviceId);
    await harness.waitForEvent('PushDispatched', challengeId, iphone.deviceId);
    await sleep(1_000);

    expect(harness.fcmPushesTo(android.token)).toHaveLength(1);
    expect(harness.apnsPushesTo(iphone.token)).toHaveLength(1);
    expect(harness.apnsPushesTo(oldIphone.token)).toHaveLength(1);
    for (const phone of phones) expect(typesOf(challengeId, phone.deviceId)).toHaveLength(1);
  });

  it('exposes pushes by outcome, attempt latency, in-flight, consumer lag per partition and breaker state on /metrics', async () => {
    const slow = fcmToken();
    harness.fcm.script(slow, { delayMs: 1_500 });
    const push = await pushTo('fcm', slow);
    const deadline = Date.now() + 15_000;
    while (harness.fcmPushesTo(slow).length === 0 && Date.now() < deadline) await sleep(50);
    const during = await worker.metrics();
    expect(metricValue(during, 'delivery_pushes_in_flight')).toBeGreaterThanOrEqual(1);
    await harness.waitForEvent('PushDispatched', push.challengeId, push.deviceId);
    // The lag sampler runs every 5 s; wait for one sample after the last commit.
    await sleep(6_000);

    const after = await worker.metrics();
    expect(metricValue(after, 'delivery_push_outcomes_total', { provider: 'fcm', type: 'PushDispatched' })).toBeGreaterThanOrEqual(3);
    expect(metricValue(after, 'delivery_push_attempts_total', { provider: 'fcm', outcome: 'accepted' })).toBeGreaterThanOrEqual(3);
    expect(metricValue(after, 'delivery_push_attempts_total', { provider: 'apns', outcome: 'rate_limited' })).toBeGreaterThanOrEqual(3);
    expect(metricValue(after, 'delivery_push_attempt_duration_seconds_count', { provider: 'fcm', outcome: 'accepted' })).toBeGreaterThanOrEqual(3);
    expect(metricValue(after, 'delivery_push_attempt_duration_seconds_sum', { provider: 'fcm', outcome: 'accepted' })).toBeGreaterThan(1.4);
    expect(metricValue(after, 'delivery_pushes_in_flight')).toBe(0);
    expect(metricValue(after, 'delivery_provider_circuit_state', { provider: 'fcm' })).toBe(0);
    expect(metricValue(after, 'delivery_provider_circuit_state', { provider: 'apns' })).toBe(0);
    for (let partition = 0; partition < 12; partition++) {
      expect(metricValue(after, 'delivery_consumer_lag', { partition: String(partition), group: `${harness.ns.topicPrefix}delivery.push-dispatch` })).toBe(0);
    }
  });

  it('credentials (FCM THIRD_PARTY_AUTH_ERROR): the breaker stops calling FCM, reports provider_unavailable, then probes', async () => {
    const token = fcmToken();
    harness.fcm.script(token, { fail: 'THIRD_PARTY_AUTH_ERROR', times: 1 });
    const first = await pushTo('fcm', token);
    const failed = await harness.waitForEvent('PushFailed', first.challengeId, first.deviceId);
    expect(failed.envelope.data.reason).toBe('provider_auth_error: messaging/third-party-auth-error');
    expect(metricValue(await worker.metrics(), 'delivery_provider_circuit_state', { provider: 'fcm' })).toBe(2);

    const healthyToken = fcmToken();
    const refused = await pushTo('fcm', healthyToken);
    const unavailable = await harness.waitForEvent('PushFailed', refused.challengeId, refused.deviceId);
    expect(unavailable.envelope.data.reason).toBe('provider_unavailable');
    expect(harness.fcmPushesTo(healthyToken)).toHaveLength(0);
    // APNs has its own breaker: still closed.
    const apns = await pushTo('apns', apnsToken());
    await harness.waitForEvent('PushDispatched', apns.challengeId, apns.deviceId);

    await sleep(BREAKER_COOLDOWN_MS);
    const probe = await pushTo('fcm', healthyToken);
    await harness.waitForEvent('PushDispatched', probe.challengeId, probe.deviceId);
    const metrics = await worker.metrics();
    expect(metricValue(metrics, 'delivery_provider_circuit_state', { provider: 'fcm' })).toBe(0);
    expect(metricValue(metrics, 'delivery_provider_circuit_opened_total', { provider: 'fcm' })).toBe(1);
    expect(metricValue(metrics, 'delivery_push_attempts_total', { provider: 'fcm', outcome: 'provider_unavailable' })).toBe(1);
  });

  it('credentials (APNs 403 InvalidProviderToken) open the APNs breaker; 403 ExpiredProviderToken is retried instead', async () => {
    const expired = apnsToken();
    harness.apns.script(expired, { fail: 'ExpiredProviderToken', times: 1 });
    const renewed = await pushTo('apns', expired);
    expect((await harness.waitForEvent('PushDispatched', renewed.challengeId, renewed.deviceId)).envelope.data.attempt).toBe(2);

    const invalid = apnsToken();
    harness.apns.script(invalid, { fail: 'InvalidProviderToken', times: 1 });
    const first = await pushTo('apns', invalid);
    expect((await harness.waitForEvent('PushFailed', first.challengeId, first.deviceId)).envelope.data.reason).toBe(
      'provider_auth_error: InvalidProviderToken',
    );
    const refused = await pushTo('apns', apnsToken());
    expect((await harness.waitForEvent('PushFailed', refused.challengeId, refused.deviceId)).envelope.data.reason).toBe('provider_unavailable');
    expect(metricValue(await worker.metrics(), 'delivery_provider_circuit_state', { provider: 'apns' })).toBe(2);
  });
});
