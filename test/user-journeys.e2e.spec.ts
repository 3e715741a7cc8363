import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEST_APNS_BUNDLE_ID } from '@pushmfa/push-emulators';
import { callJson, eventually, startTcpFaultProxy } from '@pushmfa/testing';
import { EVENTS_ARRIVE_WITHIN_MS } from './support/events-arrive-within';
import { type ProductionStack, startProductionStack } from './support/production-stack';
import { readContractRecords, recordsWithoutTraceparent } from './support/topic-records';
import { ANDROID, IPHONE, TestPhone } from './support/test-phone';
import { TestWorkspace } from './support/test-workspace';

const SIGN_IN = { application: 'Payroll', ipAddress: '203.0.113.7', location: 'Lisbon, PT', userAgent: 'Firefox on Linux' };
const PROBLEM_JSON = 'application/problem+json';

/** FCM registration tokens are opaque strings; APNs device tokens are 64 hex digits. */
const fcmToken = () => `fcm-${randomBytes(12).toString('hex')}`;
const apnsToken = () => randomBytes(32).toString('hex');

/** The security team's webhook receiver: records every POST with its signature header; closes and opens again on its port. */
class WebhookReceiver {
  readonly received: { body: string; signature: string }[] = [];
  private server?: Server;
  private port = 0;

  async open(): Promise<this> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(request.headers['x-pushmfa-signature'] ?? '') });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/security-alerts`;
  }
}

/** What a receiver does with `X-Pushmfa-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
function verifyWebhookSignature(secret: string, body: string, header: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=') as [string, string]));
  if (!parts.t || !parts.v1) return false;
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Every journey of the product, from outside, the way its users live them: the identity platform, the admin and
 * the phones speak HTTP to the four service processes (production mode) on the real broker, database and cache,
 * and pushes travel through firebase-admin and node-apn to the FCM and APNs emulators. Each journey has its own
 * workspace, and each ends by reading what the admin's MFA Report says about it.
 */
describe('user journeys, end to end', () => {
  let stack: ProductionStack;

  beforeAll(async () => {
    stack = await startProductionStack({
      label: 'journeys',
      operatorToken: 'e2e-operator-token-journeys-0123456789',
      // The security team's webhook receiver runs on this machine (loopback, plain http), and retries come fast.
      reportingEnv: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_RETRY_CAP_MS: '1000', WEBHOOK_POLL_INTERVAL_MS: '100' },
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  }, 60_000);

  function fcmPushes(token: string, challengeId: string) {
    return stack.fcm.received().filter((m) => m.token === token && JSON.stringify(m.body).includes(challengeId));
  }

  function apnsPushes(token: string, challengeId: string) {
    return stack.apns.received().filter((n) => n.deviceToken === token && JSON.stringify(n.body).includes(challengeId));
  }

  const firstFcmPush = (token: string, challengeId: string) =>
    eventually(async () => fcmPushes(token, challengeId).find((m) => m.answer === 200), `an FCM push of ${challengeId}`, EVENTS_ARRIVE_WITHIN_MS);
  const firstApnsPush = (token: string, challengeId: string) =>
    eventually(async () => apnsPushes(token, challengeId).find((n) => n.answer === 200), `an APNs push of ${challengeId}`, EVENTS_ARRIVE_WITHIN_MS);

  it('1. an admin enables push: until then the platform is told push_disabled, and nothing is reported', async () => {
    const acme = await TestWorkspace.create(stack);
    const refused = await eventually(
      async () => {
        const answer = await acme.issueChallenge('ana', SIGN_IN);
        return answer.status === 401 ? undefined : answer;
      },
      'the challenge service to learn the platform key',
      EVENTS_ARRIVE_WITHIN_MS,
    );
    expect(refused).toMatchObject({ status: 403, body: { code: 'push_disabled' } });
    expect(refused.contentType).toContain(PROBLEM_JSON);

    const settings = await acme.changeSettings({ pushEnabled: true });
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({
      pushEnabled: true,
      numberMatching: 'always',
      numberMatchingDigits: 2,
      challengeTtlSeconds: 60,
      maxChallengesPerUserPer10Min: 5,
    });

    // With push on, the platform hears the next thing in the way: ana has no phone yet, so it falls back to a password.
    const noPhone = await eventually(
      async () => {
        const answer = await acme.issueChallenge('ana', SIGN_IN);
        return answer.body.code === 'push_disabled' ? undefined : answer;
      },
      'the challenge service to learn that push is enabled',
      EVENTS_ARRIVE_WITHIN_MS,
    );
    expect(noPhone).toMatchObject({ status: 409, body: { code: 'no_active_device' } });

    const report = await eventually(
      async () => {
        const answer = await acme.reportsOf('ana');
        return answer.status === 200 ? answer : undefined;
      },
      'the reporting service to learn the admin key',
      EVENTS_ARRIVE_WITHIN_MS,
    );
    expect(report.body.items).toEqual([]);
  });

  it('2. a user pairs an Android phone and an iPhone by QR code and confirmation code; both get the first push', async () => {
    const acme = await TestWorkspace.withPush(stack);
    const pairing = await acme.startPairing('bea', { deviceName: "Bea's Pixel" });
    expect(pairing.status).toBe(201);
    const qr = new URL(pairing.body.qrUri.replace('pushmfa://', 'https://'));
    expect(pairing.body.qrUri).toMatch(/^pushmfa:\/\/pair\?v=1&/);
    expect(qr.searchParams.get('url')).toBe(stack.registry.baseUrl);
    expect(qr.searchParams.get('pid')).toBe(pairing.body.pairingId);
    expect((await acme.pairingStatus(pairing.body.pairingId)).body).toMatchObject({ userId: 'bea', status: 'pending' });

    // The app scans the code and shows a confirmation code; a mistyped code is refused, the right one activates it.
    const pixelToken = fcmToken();
    const { phone: pixel, confirmationCode } = await TestPhone.scan(pairing.body.qrUri, ANDROID, pixelToken, stack.challenge.baseUrl);
    expect(confirmationCode).toMatch(/^\d{6}$/);
    expect((await acme.pairingStatus(pairing.body.pairingId)).body.status).toBe('awaiting_confirmation');
    const wrongCode = String((Number(confirmationCode) + 1) % 1_000_000).padStart(6, '0');
    expect((await acme.confirmPairing(pairing.body.pairingId, wrongCode)).body.code).toBe('invalid_confirmation_code');
    const confirmed = await acme.confirmPairing(pairing.body.pairingId, confirmationCode);
    expect(confirmed).toMatchObject({ status: 200, body: { deviceId: pixel.deviceId, status: 'active' } });
    expect((await acme.pairingStatus(pairing.body.pairingId)).body).toMatchObject({ status: 'confirmed', deviceId: pixel.deviceId });

    const iphoneToken = apnsToken();
    const iphone = await acme.pairPhone('bea', IPHONE, iphoneToken);
    const devices = await acme.devices('bea');
    expect(devices.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ deviceId: pixel.deviceId, name: "Bea's Pixel", platform: 'android', pushProvider: 'fcm', status: 'active' }),
        expect.objectContaining({ deviceId: iphone.deviceId, platform: 'ios', pushProvider: 'apns', status: 'active' }),
      ]),
    );

    // The first sign-in reaches each phone through its own provider, and the report names both devices.
    await Promise.all([pixel.untilRecognised(), iphone.untilRecognised()]);
    const issued = await acme.issueChallengeOnceReady('bea', SIGN_IN);
    expect(issued.status).toBe(201);
    await firstFcmPush(pixelToken, issued.body.challengeId);
    const apnsPush = await firstApnsPush(iphoneToken, issued.body.challengeId);
    expect(apnsPush.headers['apns-topic']).toBe(TEST_APNS_BUNDLE_ID);
    const report = await acme.reportOnceStatus(issued.body.challengeId, 'delivered', (row) =>
      row.devices.every((d: { delivery: string }) => d.delivery === 'delivered'),
    );
    expect(report.body.devices).toHaveLength(2);
    expect(report.body.devices).toEqual(
      expect.arrayContaining([
        { deviceId: pixel.deviceId, delivery: 'delivered' },
        { deviceId: iphone.deviceId, delivery: 'delivered' },
      ]),
    );
  });

  it('3. sign in: the phones show the request but not the number; the user types it and approves; deny ends denied', async () => {
    const acme = await TestWorkspace.withPush(stack, { numberMatchingDigits: 6 });
    const pixelToken = fcmToken();
    const iphoneToken = apnsToken();
    const pixel = await acme.pairPhone('caio', ANDROID, pixelToken);
    const iphone = await acme.pairPhone('caio', IPHONE, iphoneToken);
    await Promise.all([pixel.untilRecognised(), iphone.untilRecognised()]);

    const issued = await acme.issueChallengeOnceReady('caio', SIGN_IN);
    expect(issued).toMatchObject({ status: 201, body: { status: 'pending', numberMatch: expect.stringMatching(/^\d{6}$/) } });
    const { challengeId, numberMatch } = issued.body;

    // Android gets a data message the app renders; iOS an alert with our title and the application, place and browser
    // labelled as what the sign-in reported.
    const fcmPush = await firstFcmPush(pixelToken, challengeId);
    expect(JSON.stringify(fcmPush.body)).toEqual(expect.stringContaining('"application":"Payroll"'));
    expect(JSON.stringify(fcmPush.body)).toEqual(expect.stringContaining('"location":"Lisbon, PT"'));
    const apnsPush = await firstApnsPush(iphoneToken, challengeId);
    expect(apnsPush.body).toMatchObject({
      aps: {
        alert: {
          title: 'Sign-in request: was it you?',
          body: 'Reported by the sign-in: app “Payroll”, from “Lisbon, PT”, IP “203.0.113.7”, browser “Firefox on Linux”.',
        },
      },
      challengeId,
      context: SIGN_IN,
    });
    for (const push of [fcmPush.body, apnsPush.body]) {
      expect(JSON.stringify(push)).not.toContain(numberMatch);
      expect(JSON.stringify(push)).not.toMatch(/numberMatch"/);
    }

    // The platform long-polls; the user types the number on the iPhone and taps Approve.
    const longPoll = acme.challengeStatus(challengeId, 20);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const approved = await iphone.approve(challengeId, numberMatch);
    const approvedAtMs = Date.now();
    expect(approved).toMatchObject({ status: 200, body: { status: 'approved' } });
    const learned = await longPoll;
    const learnedAfterMs = Date.now() - approvedAtMs;
    expect(learned.body).toMatchObject({ challengeId, userId: 'caio', status: 'approved', resolvedAt: expect.any(String) });
    expect(learnedAfterMs).toBeLessThan(1500);
    // The first answer wins: the other phone has nothing left to answer.
    expect((await pixel.pending()).body.items).toEqual([]);
    expect(await pixel.deny(challengeId)).toMatchObject({ status: 409, body: { code: 'challenge_not_pending' } });

    const success = await acme.reportOnceStatus(challengeId, 'success');
    expect(success.body).toMatchObject({
      userId: 'caio',
      context: SIGN_IN,
      fraudReported: false,
      deliveredAt: expect.any(String),
      resolvedAt: expect.any(String),
    });
    expect(success.body.devices).toHaveLength(2);
    expect(success.body.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'ChallengeApproved', deviceId: iphone.deviceId })]));

    // Deny works the same way.
    const second = await acme.issueChallengeOnceReady('caio', SIGN_IN);
    await firstFcmPush(pixelToken, second.body.challengeId);
    const denyPoll = acme.challengeStatus(second.body.challengeId, 20);
    expect((await pixel.deny(second.body.challengeId)).body).toEqual({ status: 'denied' });
    expect((await denyPoll).body).toMatchObject({ status: 'denied' });
    const denied = await acme.reportOnceStatus(second.body.challengeId, 'denied');
    expect(denied.body).toMatchObject({ fraudReported: false, resolvedAt: expect.any(String) });
  });

  it('4. Approve fails on a flaky network: the app retries, the platform resends, a repeated approval changes nothing', async () => {
    const acme = await TestWorkspace.withPush(stack);
    const token = fcmToken();
    const phone = await acme.pairPhone('dina', ANDROID, token);
    await phone.untilRecognised();
    // Only this phone's way to the challenge API breaks; the platform still reaches it directly.
    const network = await startTcpFaultProxy('127.0.0.1', stack.challengePort);
    phone.challengeUrl = `http://${network.address}`;
    try {
      const issued = await acme.issueChallengeOnceReady('dina', SIGN_IN);
      const { challengeId, numberMatch } = issued.body;
      await firstFcmPush(token, challengeId);

      network.cut();
      await expect(phone.approve(challengeId, numberMatch)).rejects.toThrow();
      // The app retries, and it still fails: the sign-in page is still waiting.
      await expect(phone.approve(challengeId, numberMatch)).rejects.toThrow();
      expect((await acme.challengeStatus(challengeId)).body.status).toBe('pending');

      // The user signs in again: the platform resends, and the push arrives once more.
      const resent = await acme.resend(challengeId);
      expect(resent).toMatchObject({ status: 202, body: { attempt: 1 } });
      await eventually(async () => fcmPushes(token, challengeId).filter((m) => m.answer === 200)[1], 'the resent push', EVENTS_ARRIVE_WITHIN_MS);

      network.restore();
      const longPoll = acme.challengeStatus(challengeId, 20);
      expect((await phone.approve(challengeId, numberMatch)).body).toEqual({ status: 'approved' });
      expect((await longPoll).body.status).toBe('approved');
      // The app's retry of an approval that did get through: the same answer, nothing more happens.
      expect(await phone.approve(challengeId, numberMatch)).toMatchObject({ status: 200, body: { status: 'approved' } });
      expect((await acme.resend(challengeId)).body.code).toBe('challenge_not_pending');

      const success = await acme.reportOnceStatus(challengeId, 'success');
      const types = success.body.timeline.map((item: { type: string }) => item.type);
      expect(types.filter((type: string) => type === 'ChallengeApproved')).toHaveLength(1);
      expect(types.filter((type: string) => type === 'ChallengeResendRequested')).toHaveLength(1);
      expect(types.filter((type: string) => type === 'PushDispatched').length).toBeGreaterThanOrEqual(2);
    } finally {
      await network.close();
    }
  });

  it('5. a missed push: the Pending tab lists the request, never the number, and the user answers it there', async () => {
    const acme = await TestWorkspace.withPush(stack);
    const token = apnsToken();
    const phone = await acme.pairPhone('eli', IPHONE, token);
    await phone.untilRecognised();
    const issued = await acme.issueChallengeOnceReady('eli', SIGN_IN);
    const { challengeId, numberMatch } = issued.body;
    // The push arrived while the phone was in a pocket, and was dismissed.
    await firstApnsPush(token, challengeId);

    const pending = await phone.pending();
    expect(pending.status).toBe(200);
    expect(pending.body.items).toEqual([
      { challengeId, createdAt: expect.any(String), expiresAt: issued.body.expiresAt, context: SIGN_IN, numberMatchRequired: true },
    ]);
    expect(JSON.stringify(pending.body)).not.toMatch(/numberMatch"/);

    expect((await phone.approve(challengeId, numberMatch)).body).toEqual({ status: 'approved' });
    expect((await phone.pending()).body.items).toEqual([]);
    expect((await acme.challengeStatus(challengeId)).body.status).toBe('approved');
    await acme.reportOnceStatus(challengeId, 'success');
  });

  it('5b. the platform asks twice: the newer request supersedes the older one, the Pending tab shows one, the report says superseded', async () => {
    const acme = await TestWorkspace.withPush(stack);
    const phone = await acme.pairPhone('uma', ANDROID, fcmToken());
    await phone.untilRecognised();
    const older = await acme.issueChallengeOnceReady('uma', SIGN_IN);
    // The user gave up waiting and signed in again: one pending request at a time (maxPendingPerUser, default 1).
    const newer = await acme.issueChallenge('uma', SIGN_IN);
    expect(newer.status).toBe(201);
    expect((await acme.challengeStatus(older.body.challengeId)).body.status).toBe('cancelled');
    expect((await phone.pending()).body.items.map((item: { challengeId: string }) => item.challengeId)).toEqual([newer.body.challengeId]);
    expect(await phone.approve(older.body.challengeId, older.body.numberMatch)).toMatchObject({ status: 409, body: { code: 'challenge_not_pending' } });
    const superseded = await acme.reportOnceStatus(older.body.challengeId, 'cancelled');
    expect(superseded.body).toMatchObject({ reason: 'superseded', supersededBy: newer.body.challengeId });
    expect(superseded.body.timeline).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'ChallengeCancelled', detail: { reason: 'superseded', supersededBy: newer.body.challengeId } })]),
    );
    expect((await phone.approve(newer.body.challengeId, newer.body.numberMatch)).body).toEqual({ status: 'approved' });
  });

  it('6. no notification arrives: the report tells delivered, received, cancelled, failed and expired apart', async () => {
    const acme = await TestWorkspace.withPush(stack);
    // Another workspace, whose admin chose the shortest life for a request: its one runs out while the rest are read.
    const hurried = await TestWorkspace.withPush(stack, { challengeTtlSeconds: 10 });
    const token = fcmToken();
    const [phone, hurriedPhone] = await Promise.all([acme.pairPhone('fay', ANDROID, token), hurried.pairPhone('kim', IPHONE, apnsToken())]);
    await Promise.all([phone.untilRecognised(), hurriedPhone.untilRecognised()]);
    const unanswered = await hurried.issueChallengeOnceReady('kim', SIGN_IN);
    expect(Date.parse(unanswered.body.expiresAt) - Date.now()).toBeLessThanOrEqual(10_000);

    // Delivered: the provider took the push, but it never reached the phone.
    const quiet = await acme.issueChallengeOnceReady('fay', SIGN_IN);
    await firstFcmPush(token, quiet.body.challengeId);
    const delivered = await acme.reportOnceStatus(quiet.body.challengeId, 'delivered');
    expect(delivered.body).toMatchObject({ deliveredAt: expect.any(String), devices: [{ deviceId: phone.deviceId, delivery: 'delivered' }] });
    expect(delivered.body.receivedAt).toBeUndefined();
    // Why: the app's heartbeat says notifications are off on the phone, and the report names it in the admin's words.
    expect((await phone.reportHealth({ notifications: 'denied', appVersion: '3.2.0', osVersion: 'Android 15' })).status).toBe(204);
    const named = await eventually(
      async () => {
        const row = (await acme.reportOnceStatus(quiet.body.challengeId, 'delivered')).body as { healthSummary?: string };
        return row.healthSummary?.includes('notifications are turned off') ? row : undefined;
      },
      'the report to name the phone with notifications off',
      EVENTS_ARRIVE_WITHIN_MS,
    );
    expect(named.healthSummary).toMatch(/^Delivered — notifications are turned off on /);

    // Received: the app has it, waiting for the user (a receipt sent twice is one receipt).
    expect((await phone.acknowledgeReceipt(quiet.body.challengeId)).status).toBe(204);
    expect((await phone.acknowledgeReceipt(quiet.body.challengeId)).status).toBe(204);
    const received = await acme.reportOnceStatus(quiet.body.challengeId, 'received');
    expect(received.body.receivedAt).toEqual(expect.any(String));

    // Cancelled: the user closed the sign-in page and the platform withdrew the request.
    expect(await acme.cancel(quiet.body.challengeId)).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    expect((await acme.challengeStatus(quiet.body.challengeId)).body.status).toBe('cancelled');
    const cancelled = await acme.reportOnceStatus(quiet.body.challengeId, 'cancelled');
    expect(cancelled.body).toMatchObject({ deliveredAt: expect.any(String), receivedAt: expect.any(String), resolvedAt: expect.any(String) });
    // The stages read in the order they happened.
    const stages = ['createdAt', 'deliveredAt', 'receivedAt', 'resolvedAt'].map((stage) => Date.parse(cancelled.body[stage]));
    expect(stages).toEqual([...stages].sort((a, b) => a - b));

    // Failed: both of gus's phones have push tokens the providers call dead.
    const deadFcm = fcmToken();
    const deadApns = apnsToken();
    stack.fcm.script(deadFcm, { fail: 'UNREGISTERED' });
    stack.apns.script(deadApns, { fail: 'Unregistered' });
    const oldPixel = await acme.pairPhone('gus', ANDROID, deadFcm);
    const oldIphone = await acme.pairPhone('gus', IPHONE, deadApns);
    await Promise.all([oldPixel.untilRecognised(), oldIphone.untilRecognised()]);
    const unreachable = await acme.issueChallengeOnceReady('gus', SIGN_IN);
    const failed = await acme.reportOnceStatus(unreachable.body.challengeId, 'failed');
    expect(failed.body.devices).toEqual(
      expect.arrayContaining([
        { deviceId: oldPixel.deviceId, delivery: 'rejected' },
        { deviceId: oldIphone.deviceId, delivery: 'rejected' },
      ]),
    );
    expect(failed.body.deliveredAt).toBeUndefined();
    // The help desk sees why: both phones' push tokens are marked dead until the app sends a new one.
    await eventually(
      async () => {
        const devices = (await acme.devices('gus')).body.items as { pushTokenStatus: string }[];
        return devices.length === 2 && devices.every((device) => device.pushTokenStatus === 'invalid') ? true : undefined;
      },
      "gus's push tokens to read invalid",
      EVENTS_ARRIVE_WITHIN_MS,
    );

    // Expired: the unanswered one ran out of time, and the phone can no longer approve it.
    const expired = await eventually(
      async () => {
        const answer = await hurried.challengeStatus(unanswered.body.challengeId);
        return answer.body.status === 'expired' ? answer : undefined;
      },
      'the unanswered challenge to expire',
      EVENTS_ARRIVE_WITHIN_MS,
    );
    expect(expired.body.challengeId).toBe(unanswered.body.challengeId);
    const expiredRow = await hurried.reportOnceStatus(unanswered.body.challengeId, 'expired');
    expect(expiredRow.body.resolvedAt).toBe(unanswered.body.expiresAt);
    expect(await hurriedPhone.approve(unanswered.body.challengeId, unanswered.body.numberMatch)).toMatchObject({
      status: 410,
      body: { code: 'challenge_expired' },
    });
  });

  it('7. reconfigure the account: pairing again with replaceDeviceId revokes the old phone; the new one gets the next push', async () => {
    const acme = await TestWorkspace.withPush(stack);
    const oldToken = fcmToken();
    const oldPhone = await acme.pairPhone('gil', ANDROID, oldToken);
    await oldPhone.untilRecognised();

    const newToken = apnsToken();
    const pairing = await acme.startPairing('gil', { deviceName: "Gil's new iPhone", replaceDeviceId: oldPhone.deviceId });
    expect(pairing.status).toBe(201);
    const { phone: newPhone, confirmationCode } = await TestPhone.scan(pairing.body.qrUri, IPHONE, newToken, stack.challenge.baseUrl);
    // Until the user types the code, the old phone still works: a scanned QR code alone cannot lock anyone out.
    expect((await acme.devices('gil')).body.items).toEqual([expect.objectContaining({ deviceId: oldPhone.deviceId, status: 'active' })]);
    expect((await oldPhone.pending()).status).toBe(200);
    expect((await acme.confirmPairing(pairing.body.pairingId, confirmationCode)).body).toEqual({ deviceId: newPhone.deviceId, status: 'active' });
    const devices = await acme.devices('gil');
    expect(devices.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ deviceId: oldPhone.deviceId, status: 'revoked' }),
        expect.objectContaining({ deviceId: newPhone.deviceId, status: 'active' }),
      ]),
    );
    const refused = await oldPhone.untilRefused();
    expect(refused.body.code).toBe('unauthorized');
    await newPhone.untilRecognised();

    const issued = await acme.issueChallengeOnceReady('gil', SIGN_IN);
    const { challengeId, numberMatch } = issued.body;
    await firstApnsPush(newToken, challengeId);
    expect((await oldPhone.approve(challengeId, numberMatch)).status).toBe(401);
    expect((await newPhone.approve(challengeId, numberMatch)).body).toEqual({ status: 'approved' });
    const success = await acme.reportOnceStatus(challengeId, 'success');
    expect(success.body.devices).toEqual([{ deviceId: newPhone.deviceId, delivery: 'delivered' }]);
    expect(fcmPushes(oldToken, challengeId)).toEqual([]);
  });

  it("8. the admin resets the user's MFA: the platform falls back to a password until the user pairs again", async () => {
    const acme = await TestWorkspace.withPush(stack);
    const phone = await acme.pairPhone('hal', ANDROID, fcmToken());
    await phone.untilRecognised();

    const reset = await acme.resetMfa('hal');
    expect(reset).toMatchObject({ status: 200, body: { revokedDevices: 1 } });
    expect((await acme.devices('hal')).body.items).toEqual([expect.objectContaining({ deviceId: phone.deviceId, status: 'revoked' })]);
    // Waiting by issuing challenges would spend the user's rate limit; the old phone being refused tells when.
    await phone.untilRefused();
    const fallback = await acme.issueChallenge('hal', SIGN_IN);
    expect(fallback).toMatchObject({ status: 409, body: { code: 'no_active_device' } });
    expect(fallback.contentType).toContain(PROBLEM_JSON);

    // The user pairs again, and push sign-in is back.
    const token = apnsToken();
    const newPhone = await acme.pairPhone('hal', IPHONE, token);
    await newPhone.untilRecognised();
    const issued = await acme.issueChallengeOnceReady('hal', SIGN_IN);
    expect(issued.status).toBe(201);
    await firstApnsPush(token, issued.body.challengeId);
    expect((await newPhone.approve(issued.body.challengeId, issued.body.numberMatch)).body).toEqual({ status: 'approved' });
    const success = await acme.reportOnceStatus(issued.body.challengeId, 'success');
    expect(success.body.devices).toEqual([{ deviceId: newPhone.deviceId, delivery: 'delivered' }]);
  });

  it('9. under attack: a wrong number denies, the rate limit stops the flood, "this wasn\'t me" locks push and flags the report', async () => {
    const acme = await TestWorkspace.withPush(stack, { maxChallengesPerUserPer10Min: 3 });
    const phone = await acme.pairPhone('ivy', ANDROID, fcmToken());
    await phone.untilRecognised();

    // A blind approval: the attacker cannot see the number on the real sign-in page.
    const blind = await acme.issueChallengeOnceReady('ivy', { ...SIGN_IN, ipAddress: '198.51.100.66', location: 'Elsewhere' });
    const wrongNumber = String((Number(blind.body.numberMatch) + 1) % 100).padStart(2, '0');
    const mismatch = await phone.approve(blind.body.challengeId, wrongNumber);
    expect(mismatch).toMatchObject({ status: 422, body: { code: 'number_mismatch' } });
    expect((await acme.challengeStatus(blind.body.challengeId)).body.status).toBe('denied');
    // Guessing again does not help: the request is over.
    expect(await phone.approve(blind.body.challengeId, blind.body.numberMatch)).toMatchObject({ status: 409, body: { code: 'challenge_not_pending' } });
    expect((await acme.reportOnceStatus(blind.body.challengeId, 'denied')).body.fraudReported).toBe(false);

    // The flood: the third push of the window is the last one the user gets.
    expect((await acme.issueChallenge('ivy', SIGN_IN)).status).toBe(201);
    const third = await acme.issueChallenge('ivy', SIGN_IN);
    expect(third.status).toBe(201);
    const flood = await fetch(`${stack.challenge.baseUrl}/v1/challenges`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acme.platformKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'ivy', context: SIGN_IN }),
    });
    expect(flood.status).toBe(429);
    expect(((await flood.json()) as { code: string }).code).toBe('rate_limited');
    expect(Number(flood.headers.get('retry-after'))).toBeGreaterThan(0);

    // "This wasn't me": the deny locks push for the user, which the platform hears before the rate limit.
    expect((await phone.deny(third.body.challengeId, { fraud: true })).body).toEqual({ status: 'denied' });
    const locked = await acme.issueChallenge('ivy', SIGN_IN);
    expect(locked).toMatchObject({ status: 423, body: { code: 'push_locked' } });
    const flagged = await acme.reportOnceStatus(
      third.body.challengeId,
      'denied',
      (row) => row.fraudReported === true && row.timeline.some((item: { type: string }) => item.type === 'FraudReported'),
    );
    expect(flagged.body.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'ChallengeDenied', deviceId: phone.deviceId })]));
    const rows = (await acme.reportsOf('ivy')).body.items as { challengeId: string; fraudReported: boolean }[];
    expect(rows.filter((row) => row.fraudReported).map((row) => row.challengeId)).toEqual([third.body.challengeId]);

    // The lock is ivy's alone: a colleague in the same workspace still signs in with push.
    const colleague = await acme.pairPhone('jon', IPHONE, apnsToken());
    await colleague.untilRecognised();
    expect((await acme.issueChallengeOnceReady('jon', SIGN_IN)).status).toBe(201);
  });

  it('9b. an attack in progress: a report after the deny still locks push and ends the pending requests, resends spend the budget, wrong numbers in a row lock push; the report says why; the help desk lifts a lock', async () => {
    // Two pending requests at a time: an attack in progress keeps more than one request open.
    const acme = await TestWorkspace.withPush(stack, {
      maxChallengesPerUserPer10Min: 4,
      numberMismatchLockThreshold: 2,
      fraudLockMinutes: 1,
      maxPendingPerUser: 2,
    });
    // The new settings are validated like the others.
    const tooFar = await acme.changeSettings({ minSecondsBetweenPushes: 601 });
    expect(tooFar).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [expect.objectContaining({ field: 'minSecondsBetweenPushes' })] } });

    // Kai denies a push he did not ask for, then, seeing another one arrive, reports the first as "this wasn't me".
    const kai = await acme.pairPhone('kai', ANDROID, fcmToken());
    await kai.untilRecognised();
    const first = await acme.issueChallengeOnceReady('kai', { ...SIGN_IN, location: 'Elsewhere' });
    expect((await kai.deny(first.body.challengeId)).body).toEqual({ status: 'denied' });
    const inProgress = await acme.issueChallenge('kai', { ...SIGN_IN, location: 'Elsewhere' });
    expect(inProgress.status).toBe(201);
    expect(await kai.deny(first.body.challengeId, { fraud: true })).toMatchObject({ status: 200, body: { status: 'denied' } });
    // The lock ends the attack in progress: the pending request is cancelled, resends and new requests are refused.
    expect((await acme.challengeStatus(inProgress.body.challengeId)).body.status).toBe('cancelled');
    expect(await acme.resend(inProgress.body.challengeId)).toMatchObject({ status: 423, body: { code: 'push_locked' } });
    expect(await kai.approve(inProgress.body.challengeId, inProgress.body.numberMatch)).toMatchObject({ status: 423, body: { code: 'push_locked' } });
    expect(await acme.issueChallenge('kai', SIGN_IN)).toMatchObject({ status: 423, body: { code: 'push_locked' } });
    const reported = await acme.reportOnceStatus(first.body.challengeId, 'denied', (row) => row.fraudReported === true);
    expect(reported.body).toMatchObject({ reason: 'user_denied', pushLock: { reason: 'fraud_report', lockedUntil: expect.any(String) } });
    expect(reported.body.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'FraudReported', deviceId: kai.deviceId, detail: expect.objectContaining({ challengeStatus: 'denied' }) }),
      ]),
    );
    const cancelled = await acme.reportOnceStatus(inProgress.body.challengeId, 'cancelled');
    expect(cancelled.body).toMatchObject({ reason: 'push_locked', fraudReported: false });

    // Kai calls the help desk, which checks it is him and lifts the lock: he can sign in with push again, and the
    // report of the request that locked push says when it was lifted and by which admin key.
    expect((await acme.unlockPush('kai')).status).toBe(204);
    expect(await acme.unlockPush('kai')).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect((await acme.issueChallenge('kai', SIGN_IN)).status).toBe(201);
    const unlocked = await acme.reportOnceStatus(first.body.challengeId, 'denied', (row) => row.pushLock?.unlockedAt !== undefined);
    expect(unlocked.body.pushLock).toMatchObject({ reason: 'fraud_report', unlockedAt: expect.any(String), unlockedBy: { keyId: expect.any(String) } });
    expect(unlocked.body.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'PushLockLifted' })]));

    // Resends are pushes: two requests and two resends spend Lia's budget of four; the next resend is refused.
    const lia = await acme.pairPhone('lia', IPHONE, apnsToken());
    await lia.untilRecognised();
    const one = await acme.issueChallengeOnceReady('lia', SIGN_IN);
    const two = await acme.issueChallenge('lia', SIGN_IN);
    expect((await acme.resend(one.body.challengeId)).status).toBe(202);
    expect((await acme.resend(one.body.challengeId)).status).toBe(202);
    const overBudget = await acme.resend(two.body.challengeId);
    expect(overBudget).toMatchObject({ status: 429, body: { code: 'rate_limited' } });

    // Guessing numbers: the second wrong number in a row locks push, and the report says so.
    const moe = await acme.pairPhone('moe', ANDROID, fcmToken());
    await moe.untilRecognised();
    const wrong = (numberMatch: string | undefined) => String((Number(numberMatch) + 1) % 100).padStart(2, '0');
    const guess1 = await acme.issueChallengeOnceReady('moe', SIGN_IN);
    expect((await moe.approve(guess1.body.challengeId, wrong(guess1.body.numberMatch))).body.code).toBe('number_mismatch');
    const guess2 = await acme.issueChallenge('moe', SIGN_IN);
    expect((await moe.approve(guess2.body.challengeId, wrong(guess2.body.numberMatch))).body.code).toBe('number_mismatch');
    expect(await acme.issueChallenge('moe', SIGN_IN)).toMatchObject({ status: 423, body: { code: 'push_locked' } });
    const locking = await acme.reportOnceStatus(guess2.body.challengeId, 'denied', (row) => row.pushLock !== undefined);
    expect(locking.body).toMatchObject({ reason: 'number_mismatch', fraudReported: false, pushLock: { reason: 'number_mismatch' } });
    expect(locking.body.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'PushLocked', detail: expect.objectContaining({ reason: 'number_mismatch', consecutiveMismatches: 2 }) }),
      ]),
    );
  });

  it('10. the security team hears of fraud at once: a signed fraud_reported webhook within seconds, and again after its receiver was down', async () => {
    const acme = await TestWorkspace.withPush(stack);
    const receiver = await new WebhookReceiver().open();
    try {
      const registered = await callJson(stack.reporting.baseUrl, 'POST', '/v1/workspace/webhooks', acme.adminKey, {
        url: receiver.url,
        events: ['fraud_reported'],
      });
      expect(registered).toMatchObject({ status: 201, body: { url: receiver.url, events: ['fraud_reported'], enabled: true } });
      const { webhookId, secret } = registered.body as { webhookId: string; secret: string };

      /** Signs in as `userId`, and the user answers "this wasn't me" on the phone. */
      const fraudFrom = async (userId: string) => {
        const phone = await acme.pairPhone(userId, ANDROID, fcmToken());
        await phone.untilRecognised();
        const issued = await acme.issueChallengeOnceReady(userId, SIGN_IN);
        expect((await phone.deny(issued.body.challengeId, { fraud: true })).body).toEqual({ status: 'denied' });
        return issued.body.challengeId as string;
      };
      const deliveredFor = (challengeId: string) =>
        eventually(
          async () => receiver.received.find((hook) => JSON.parse(hook.body).data?.challengeId === challengeId),
          `the fraud_reported webhook of ${challengeId}`,
          EVENTS_ARRIVE_WITHIN_MS,
        );

      // Within seconds, signed with the endpoint's secret as Stripe signs theirs.
      const first = await fraudFrom('kim');
      const hook = await deliveredFor(first);
      expect(JSON.parse(hook.body)).toMatchObject({ type: 'fraud_reported', workspaceId: acme.id, data: { challengeId: first, userId: 'kim' } });
      expect(verifyWebhookSignature(secret, hook.body, hook.signature)).toBe(true);
      expect(verifyWebhookSignature('whsec_not-the-secret', hook.body, hook.signature)).toBe(false);

      // The receiver is down: attempts fail and are recorded; once it is back, the next retry delivers.
      await receiver.close();
      const second = await fraudFrom('lou');
      const deliveries = () => callJson(stack.reporting.baseUrl, 'GET', `/v1/workspace/webhooks/${webhookId}/deliveries`, acme.adminKey);
      type Delivery = { status: string; attempts: { error: string | null }[] };
      await eventually(
        async () => {
          const items = (await deliveries()).body.items as Delivery[];
          return (
            items.some((item) => item.status === 'pending' && item.attempts.some((attempt) => attempt.error?.startsWith('connection failed'))) || undefined
          );
        },
        'a failed attempt recorded while the receiver is down',
        EVENTS_ARRIVE_WITHIN_MS,
      ).then((failed) => expect(failed).toBe(true));
      await receiver.open();
      const retried = await deliveredFor(second);
      expect(verifyWebhookSignature(secret, retried.body, retried.signature)).toBe(true);
      // The receiver has the request before reporting has its answer and records the delivery: wait for that record.
      const items = await eventually(
        async () => {
          const listed = (await deliveries()).body.items as Delivery[];
          return listed.every((item) => item.status === 'delivered') ? listed : undefined;
        },
        'every delivery recorded as delivered',
        EVENTS_ARRIVE_WITHIN_MS,
      );
      expect(items.every((item) => item.status === 'delivered')).toBe(true);
      expect(Math.max(...items.map((item) => item.attempts.length))).toBeGreaterThan(1);
    } finally {
      await receiver.close();
    }
  });

  it('11. identity pools: staff sign in with a password then push, engineers with passwordless push; each pool as the admin set it', async () => {
    const acme = await TestWorkspace.withPush(stack);
    const admin = (method: string, path: string, body?: unknown) => callJson(stack.registry.baseUrl, method, path, acme.adminKey, body);
    const platform = (method: string, path: string, body?: unknown) => callJson(stack.registry.baseUrl, method, path, acme.platformKey, body);

    // The admin builds two pools: push as the preferred second factor, and passwordless push as the preferred first.
    const staff = await admin('POST', '/v1/workspace/pools', {
      name: 'Staff',
      firstFactor: { methods: ['password', 'passkey'], preferred: 'password' },
      secondFactor: { methods: ['push', 'totp'], preferred: 'push' },
    });
    const engineers = await admin('POST', '/v1/workspace/pools', {
      name: 'Engineers',
      firstFactor: { methods: ['push', 'passkey'], preferred: 'push' },
      secondFactor: { methods: ['totp'], preferred: 'totp' },
    });
    const contractors = await admin('POST', '/v1/workspace/pools', {
      name: 'Contractors',
      firstFactor: { methods: ['password'] },
      secondFactor: { methods: ['sms_otp'] },
    });
    expect([staff.status, engineers.status, contractors.status]).toEqual([201, 201, 201]);
    const pools = (await admin('GET', '/v1/workspace/pools')).body.items as { name: string }[];
    expect(pools.map((pool) => pool.name)).toEqual(['Default', 'Contractors', 'Engineers', 'Staff']);

    const stan = await acme.pairPhone('stan', ANDROID, fcmToken());
    const erin = await acme.pairPhone('erin', IPHONE, apnsToken());
    const carl = await acme.pairPhone('carl', ANDROID, fcmToken());
    await Promise.all([stan.untilRecognised(), erin.untilRecognised(), carl.untilRecognised()]);
    for (const [userId, pool] of [
      ['stan', staff],
      ['erin', engineers],
      ['carl', contractors],
    ] as const) {
      expect(await platform('PUT', `/v1/users/${userId}/pool`, { poolId: pool.body.poolId })).toMatchObject({
        status: 200,
        body: { poolId: pool.body.poolId },
      });
    }

    // The sign-in page reads each user's options and offers the preferred method first.
    const optionsOf = async (userId: string) => (await platform('GET', `/v1/users/${userId}/sign-in-options`)).body;
    expect(await optionsOf('stan')).toEqual({
      poolId: staff.body.poolId,
      firstFactor: { methods: ['password', 'passkey'], preferred: 'password' },
      secondFactor: { methods: ['push', 'totp'], preferred: 'push' },
      push: { available: true },
    });
    expect((await optionsOf('erin')).firstFactor).toEqual({ methods: ['push', 'passkey'], preferred: 'push' });
    expect((await optionsOf('carl')).push).toEqual({ available: false, reason: 'not_in_pool' });

    // Stan: a password on the platform, then push as the second factor.
    const second = await eventually(
      async () => {
        const answer = await callJson(stack.challenge.baseUrl, 'POST', '/v1/challenges', acme.platformKey, {
          userId: 'stan',
          factor: 'second',
          context: SIGN_IN,
        });
        return answer.status === 201 ? answer : undefined;
      },
      "stan's second-factor challenge",
      EVENTS_ARRIVE_WITHIN_MS,
    );
    expect((await stan.approve(second.body.challengeId, second.body.numberMatch)).status).toBe(200);
    expect((await acme.challengeStatus(second.body.challengeId)).body).toMatchObject({ status: 'approved' });
    // A pool that offers push as no first factor refuses passwordless push, as does one without push at all.
    const notFirst = await callJson(stack.challenge.baseUrl, 'POST', '/v1/challenges', acme.platformKey, { userId: 'stan', factor: 'first' });
    expect(notFirst).toMatchObject({ status: 403, body: { code: 'method_not_allowed' } });
    const contractor = await callJson(stack.challenge.baseUrl, 'POST', '/v1/challenges', acme.platformKey, { userId: 'carl', context: SIGN_IN });
    expect(contractor).toMatchObject({ status: 403, body: { code: 'method_not_allowed' } });

    // Erin signs in with push alone: the number is always matched, and only a user the phone verified may approve.
    const passwordless = await eventually(
      async () => {
        const answer = await callJson(stack.challenge.baseUrl, 'POST', '/v1/challenges', acme.platformKey, {
          userId: 'erin',
          factor: 'first',
          context: SIGN_IN,
        });
        return answer.status === 201 ? answer : undefined;
      },
      "erin's passwordless challenge",
      EVENTS_ARRIVE_WITHIN_MS,
    );
    const { challengeId, numberMatch } = passwordless.body as { challengeId: string; numberMatch: string };
    expect(numberMatch).toMatch(/^\d{2}$/);
    expect(await erin.approve(challengeId, numberMatch)).toMatchObject({ status: 403, body: { code: 'user_verification_required' } });
    expect(await erin.respond(challengeId, { decision: 'approve', numberMatch, userVerified: true })).toMatchObject({
      status: 200,
      body: { status: 'approved' },
    });
    // The platform learns what remains: Engineers take TOTP as the second factor, which push cannot stand in for.
    expect((await acme.challengeStatus(challengeId)).body).toMatchObject({
      status: 'approved',
      factor: 'first',
      amr: ['push'],
      secondFactorRequired: true,
      secondFactor: { methods: ['totp'], preferred: 'totp' },
    });

    // The MFA Report names the pool and the factor of each request.
    expect((await acme.reportOnceStatus(challengeId, 'success')).body).toMatchObject({ poolId: engineers.body.poolId, factor: 'first' });
    expect((await acme.reportOnceStatus(second.body.challengeId, 'success')).body).toMatchObject({ poolId: staff.body.poolId, factor: 'second' });

    // "This wasn't me" on a passwordless request locks push: the sign-in page learns it and offers another method.
    const attack = await callJson(stack.challenge.baseUrl, 'POST', '/v1/challenges', acme.platformKey, { userId: 'erin', factor: 'first', context: SIGN_IN });
    expect((await erin.deny(attack.body.challengeId, { fraud: true })).body).toEqual({ status: 'denied' });
    await eventually(
      async () => ((await optionsOf('erin')).push.reason === 'push_locked' ? true : undefined),
      "erin's sign-in options to say push_locked",
      EVENTS_ARRIVE_WITHIN_MS,
    );

    // A pool with users cannot be deleted; emptied, it can.
    expect(await admin('DELETE', `/v1/workspace/pools/${contractors.body.poolId}`)).toMatchObject({ status: 409, body: { code: 'pool_in_use' } });
    expect((await platform('PUT', '/v1/users/carl/pool', { poolId: 'default' })).status).toBe(200);
    expect((await admin('DELETE', `/v1/workspace/pools/${contractors.body.poolId}`)).status).toBe(204);
  });

  it("12. the help desk test-pushes Alice's iPhone: the report shows it delivered, then received; no challenge is created or approved", async () => {
    const acme = await TestWorkspace.withPush(stack);
    const token = apnsToken();
    const phone = await acme.pairPhone('alice', IPHONE, token);
    await phone.untilRecognised();

    const sent = await eventually(
      async () => {
        const answer = await acme.testPush('alice', phone.deviceId);
        return answer.status === 202 ? answer : undefined;
      },
      "the registry to take a test push to Alice's iPhone",
      EVENTS_ARRIVE_WITHIN_MS,
    );
    const { testPushId } = sent.body as { testPushId: string };
    // One every 10 seconds per device: the endpoint cannot spam a phone.
    expect(await acme.testPush('alice', phone.deviceId)).toMatchObject({ status: 429, body: { code: 'rate_limited' } });

    // The phone gets a plain notification saying it is a test: no Approve or Deny, nothing to answer.
    const push = await firstApnsPush(token, testPushId);
    expect(push.body).toMatchObject({
      aps: { alert: { title: 'Test notification', body: 'Test notification from pushmfa: no action needed' } },
      type: 'test_push',
      testPushId,
    });
    expect(JSON.stringify(push.body)).not.toMatch(/category|challenge/i);
    const delivered = await acme.testPushOnceStatus(testPushId, 'delivered');
    expect(delivered.body).toMatchObject({ userId: 'alice', deviceId: phone.deviceId, deviceName: "alice's ios phone", deliveredAt: expect.any(String) });

    // The app acknowledges it: the help desk knows the phone itself is fine.
    expect((await phone.acknowledgeTestPush(testPushId)).status).toBe(204);
    const received = await acme.testPushOnceStatus(testPushId, 'received');
    expect(received.body).toMatchObject({ requestedAt: sent.body.requestedAt, deliveredAt: expect.any(String), receivedAt: expect.any(String) });
    expect((await acme.reportsOf('alice')).body.items).toEqual([]);
    expect((await phone.pending()).body.items).toEqual([]);
  });

  it('13. no push arrives: the user reads the offline code from the app, the sign-in page approves with it once, the same code again is refused, and the report says so', async () => {
    const acme = await TestWorkspace.withPush(stack);
    const token = fcmToken();
    const phone = await acme.pairPhone('kim', ANDROID, token);
    await phone.untilRecognised();
    // The app's last step of pairing: it and pushmfa agree the offline-code secret, once.
    const enrolled = await phone.enrolOfflineCode();
    expect(enrolled).toMatchObject({ status: 201, body: { digits: 6, period: 30, algorithm: 'SHA1' } });
    expect(String(enrolled.body.otpauthUri)).toMatch(/^otpauth:\/\/totp\//);
    expect(await phone.enrolOfflineCode()).toMatchObject({ status: 409, body: { code: 'offline_code_already_enrolled' } });

    // The phone is offline: the push goes out but nothing answers it. The user reads the code the app shows.
    const issued = await acme.issueChallengeOnceReady('kim', SIGN_IN);
    const { challengeId } = issued.body;
    await firstFcmPush(token, challengeId);
    const code = phone.offlineCode();
    const approved = await acme.approveWithOfflineCode(challengeId, code);
    expect(approved).toMatchObject({ status: 200, body: { challengeId, status: 'approved', method: 'offline_code', deviceId: phone.deviceId } });
    expect((await acme.challengeStatus(challengeId)).body.status).toBe('approved');
    expect(await acme.approveWithOfflineCode(challengeId, code)).toMatchObject({ status: 409, body: { code: 'challenge_not_pending' } });

    // Someone who saw the code over the user's shoulder tries it on their own sign-in: refused, nothing approved.
    const next = await acme.issueChallenge('kim', SIGN_IN);
    expect(next.status).toBe(201);
    const replayed = await acme.approveWithOfflineCode(next.body.challengeId, code);
    expect(replayed).toMatchObject({ status: 409, body: { code: 'offline_code_replayed' } });
    expect(replayed.contentType).toContain(PROBLEM_JSON);
    expect((await acme.challengeStatus(next.body.challengeId)).body.status).toBe('pending');

    const report = await acme.reportOnceStatus(challengeId, 'success', (row) => row.approvedWith === 'offline_code');
    expect(report.body.timeline).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'ChallengeApproved', deviceId: phone.deviceId, detail: { method: 'offline_code' } })]),
    );
    expect(JSON.stringify(report.body)).not.toContain(String(enrolled.body.secret));

    // An admin turns offline codes off: the sign-in page is told so, and the pending request stays as it was.
    expect((await acme.changeSettings({ offlineCodesEnabled: false })).body).toMatchObject({ offlineCodesEnabled: false });
    const refused = await eventually(
      async () => {
        // The used code: refused as a replay until the setting arrives, then refused as off; never an approval.
        const answer = await acme.approveWithOfflineCode(next.body.challengeId, code);
        return answer.status === 403 ? answer : undefined;
      },
      'the challenge service to learn that offline codes are off',
      EVENTS_ARRIVE_WITHIN_MS,
    );
    expect(refused.body.code).toBe('offline_codes_disabled');
    expect((await acme.challengeStatus(next.body.challengeId)).body.status).toBe('pending');
  });

  it('14. Accept does not respond: the app shares its logs with support; the help desk reads them by incident id, the push token redacted; another workspace cannot', async () => {
    const acme = await TestWorkspace.withPush(stack, { diagnosticsRetentionDays: 14 });
    const token = fcmToken();
    const phone = await acme.pairPhone('lea', ANDROID, token);
    await phone.untilRecognised();
    const issued = await acme.issueChallengeOnceReady('lea', SIGN_IN);
    const { challengeId } = issued.body;
    await firstFcmPush(token, challengeId);

    const shared = await phone.shareLogs({
      challengeId,
      appVersion: '4.1.0',
      health: { notifications: 'allowed', batterySaver: true },
      logs: [
        `push registered, token ${token}`,
        `notification received for ${challengeId}`,
        'Accept tapped, no answer within 10 s',
        'Authorization: Bearer abc.def',
      ],
    });
    expect(shared.status).toBe(202);
    const { incidentId } = shared.body as { incidentId: string };
    expect(incidentId).toMatch(/^INC-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);

    // The user reads the id out over the phone; the help desk types it in lower case.
    const incident = await eventually(
      async () => {
        const answer = await acme.incident(incidentId.toLowerCase());
        return answer.status === 200 ? answer : undefined;
      },
      `incident ${incidentId} in the report`,
      EVENTS_ARRIVE_WITHIN_MS,
    );
    expect(incident.body).toMatchObject({ incidentId, userId: 'lea', deviceId: phone.deviceId, challengeId, appVersion: '4.1.0', lineCount: 4 });
    expect(incident.body.logs).toEqual([
      `push registered, token [push token …${token.slice(-6)}]`,
      `notification received for ${challengeId}`,
      'Accept tapped, no answer within 10 s',
      'Authorization: Bearer [redacted]',
    ]);
    expect(Date.parse(incident.body.expiresAt) - Date.parse(incident.body.sharedAt)).toBe(14 * 24 * 3600 * 1000);
    expect((await acme.diagnostics('?userId=lea')).body.items).toEqual([expect.objectContaining({ incidentId, lineCount: 4 })]);
    const row = await acme.reportOnceStatus(challengeId, 'delivered', (body) =>
      body.timeline.some((entry: { type: string }) => entry.type === 'DiagnosticsShared'),
    );
    expect(row.body.timeline).toContainEqual(expect.objectContaining({ type: 'DiagnosticsShared', detail: { incidentId, lineCount: 4 } }));

    const globex = await TestWorkspace.create(stack);
    expect(await globex.incident(incidentId)).toMatchObject({ status: 404, body: { code: 'not_found' } });
    // A challenge of another user is refused, never linked.
    const other = await acme.pairPhone('max', ANDROID, fcmToken());
    await other.untilRecognised();
    expect(await other.shareLogs({ challengeId, logs: ['x'] })).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });

  it('every record the journeys put on Kafka carries trace context, reactions too (the replaced-phone revoker, timers)', async () => {
    const records = await readContractRecords(stack.ns);
    expect(records.map((record) => (JSON.parse(record.value) as { type: string }).type)).toEqual(
      expect.arrayContaining(['DevicePaired', 'DeviceRevoked', 'ChallengeExpired']),
    );
    expect(recordsWithoutTraceparent(records)).toEqual([]);
  });
});
