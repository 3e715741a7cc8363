import { generateKeyPairSync } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { topicName } from '@pushmfa/contracts';
import { signDeviceRequest } from '@pushmfa/device-auth';
import { callJson, eventually, kafkaCredentials, testKafkaOptions } from '@pushmfa/testing';
import { type ProductionStack, startProductionStack } from './support/production-stack';

/**
 * The thinnest real flow, from outside: four service processes (production mode), the real broker, database and
 * cache, and the FCM emulator speaking to the real firebase-admin SDK.
 */
describe('walking skeleton: pair, enable push, challenge, push, approve, report', () => {
  const operatorToken = 'e2e-operator-token-0123456789';
  let stack: ProductionStack;

  beforeAll(async () => {
    // Debug logs, so the check that no secret reaches a log reads everything the services say.
    stack = await startProductionStack({ label: 'walking-skeleton', operatorToken, logLevel: 'debug' });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  }, 60_000);

  async function readAllRecords(topics: string[]): Promise<string[]> {
    const kafka = new Kafka({ clientId: 'skeleton-probe', brokers: stack.ns.kafkaBrokers, logLevel: logLevel.NOTHING, ...testKafkaOptions() });
    const admin = kafka.admin();
    await admin.connect();
    const expected = new Map<string, number>();
    for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) expected.set(`${topic}/${p.partition}`, Number(p.high));
    await admin.disconnect();
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    const values: string[] = [];
    const consumer = kafka.consumer({ groupId: `probe-${stack.ns.id}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(`${message.key?.toString()} ${message.value?.toString()}`) });
    await eventually(async () => (values.length >= total ? true : undefined), `all ${total} records`);
    await consumer.disconnect();
    return values;
  }

  const call = callJson;

  it('carries one challenge through all four services and the MFA Report shows success', async () => {
    const registry = stack.registry.baseUrl;
    const challenge = stack.challenge.baseUrl;
    const reporting = stack.reporting.baseUrl;
    const fcm = stack.fcm;

    // The operator creates a workspace and its keys.
    const workspace = await call(registry, 'POST', '/v1/workspaces', operatorToken, { name: 'Acme' });
    expect(workspace.status).toBe(201);
    expect(workspace.body.settings.pushEnabled).toBe(false);
    const platformKey = (await call(registry, 'POST', `/v1/workspaces/${workspace.body.id}/api-keys`, operatorToken, { role: 'platform' })).body.key as string;
    const adminKey = (await call(registry, 'POST', `/v1/workspaces/${workspace.body.id}/api-keys`, operatorToken, { role: 'admin' })).body.key as string;
    expect(platformKey).toMatch(/^pmk_plt_/);

    // Push starts disabled: the platform is told so.
    const refused = await eventually(async () => {
      const r = await call(challenge, 'POST', '/v1/challenges', platformKey, { userId: 'alice' });
      return r.status === 401 ? undefined : r;
    }, 'the challenge service to learn the platform key');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('push_disabled');

    // An admin enables push.
    const settings = await call(registry, 'PATCH', '/v1/workspace/settings', adminKey, { pushEnabled: true });
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({ pushEnabled: true, numberMatching: 'always', numberMatchingDigits: 2 });

    // A phone pairs: QR code, register with proof of possession, confirmation code typed into the portal.
    const pairing = await call(registry, 'POST', '/v1/users/alice/pairings', platformKey, { deviceName: "Alice's phone" });
    expect(pairing.status).toBe(201);
    const qr = new URL(pairing.body.qrUri.replace('pushmfa://', 'https://'));
    expect(qr.searchParams.get('pid')).toBe(pairing.body.pairingId);
    const keys = generateKeyPairSync('ed25519');
    const privateJwk = keys.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
    const publicJwk = keys.publicKey.export({ format: 'jwk' });
    const registerPath = `/v1/pairings/${pairing.body.pairingId}/register`;
    const registerBody = JSON.stringify({
      secret: qr.searchParams.get('s'),
      publicKey: publicJwk,
      platform: 'android',
      pushProvider: 'fcm',
      pushToken: 'fcm-token-alice-1',
    });
    const registered = await call(registry, 'POST', registerPath, undefined, registerBody, {
      ...signDeviceRequest(privateJwk, { method: 'POST', pathWithQuery: registerPath, body: registerBody }),
    } as Record<string, string>);
    expect(registered.status).toBe(201);
    expect(registered.body.confirmationCode).toMatch(/^\d{6}$/);
    const confirmed = await call(registry, 'POST', `/v1/pairings/${pairing.body.pairingId}/confirm`, platformKey, { code: registered.body.confirmationCode });
    expect(confirmed.body).toEqual({ deviceId: registered.body.deviceId, status: 'active' });
    const deviceId = registered.body.deviceId as string;

    // The platform issues a challenge once the challenge service has learned of the device.
    const issued = await eventually(async () => {
      const r = await call(challenge, 'POST', '/v1/challenges', platformKey, {
        userId: 'alice',
        context: { application: 'Payroll', ipAddress: '203.0.113.7', location: 'Lisbon, PT', userAgent: 'Firefox on Linux' },
      });
      return r.body.code === 'no_active_device' || r.body.code === 'push_disabled' ? undefined : r;
    }, 'the challenge service to learn the device and the settings');
    expect(issued.status).toBe(201);
    expect(issued.body.numberMatch).toMatch(/^\d{2}$/);
    const challengeId = issued.body.challengeId as string;

    // Delivery hands the push to FCM (the emulator) through firebase-admin: a data message without the number.
    const pushed = await eventually(async () => fcm.received().find((m) => m.token === 'fcm-token-alice-1'), 'the push to reach the FCM emulator');
    expect(JSON.stringify(pushed.body)).toContain(challengeId);
    expect(JSON.stringify(pushed.body)).not.toContain(`"${issued.body.numberMatch}"`);

    // The report row shows the push was delivered.
    const delivered = await eventually(async () => {
      const r = await call(reporting, 'GET', `/v1/reports/mfa/${challengeId}`, adminKey);
      return r.status === 200 && r.body.status === 'delivered' ? r : undefined;
    }, 'the report row to read delivered');
    expect(delivered.body.devices).toEqual([expect.objectContaining({ deviceId, delivery: 'delivered' })]);

    // The platform long-polls while the device approves with a signed request.
    const longPoll = call(challenge, 'GET', `/v1/challenges/${challengeId}?waitSeconds=20`, platformKey);
    const responsePath = `/v1/device/challenges/${challengeId}/response`;
    const responseBody = JSON.stringify({ decision: 'approve', numberMatch: issued.body.numberMatch });
    const approved = await call(challenge, 'POST', responsePath, undefined, responseBody, {
      ...signDeviceRequest(privateJwk, { method: 'POST', pathWithQuery: responsePath, body: responseBody, deviceId }),
    } as Record<string, string>);
    expect(approved.body).toEqual({ status: 'approved' });
    const answer = await longPoll;
    expect(answer.body).toMatchObject({ challengeId, userId: 'alice', status: 'approved' });

    // The MFA Report ends at success.
    const report = await eventually(async () => {
      const r = await call(reporting, 'GET', `/v1/reports/mfa/${challengeId}`, adminKey);
      return r.body.status === 'success' ? r : undefined;
    }, 'the report row to read success');
    expect(report.body).toMatchObject({ challengeId, userId: 'alice', status: 'success', fraudReported: false });
    expect(report.body.timeline.map((t: { type: string }) => t.type)).toEqual(
      expect.arrayContaining(['ChallengeIssued', 'PushDispatched', 'ChallengeApproved']),
    );

    // A signed request replayed is refused.
    const replay = await call(challenge, 'POST', responsePath, undefined, responseBody, {
      ...signDeviceRequest(privateJwk, { method: 'POST', pathWithQuery: responsePath, body: responseBody, deviceId, nonce: 'fixed-nonce-0123456789' }),
    } as Record<string, string>);
    expect(replay.status).toBe(200);
    const replayAgain = await call(challenge, 'POST', responsePath, undefined, responseBody, {
      ...signDeviceRequest(privateJwk, { method: 'POST', pathWithQuery: responsePath, body: responseBody, deviceId, nonce: 'fixed-nonce-0123456789' }),
    } as Record<string, string>);
    expect(replayAgain.status).toBe(401);
    expect(replayAgain.contentType).toContain('application/problem+json');

    // Last resort (journey 8): the admin resets alice's MFA; the platform is then told to fall back to a password.
    const reset = await call(registry, 'POST', '/v1/users/alice/mfa-reset', adminKey);
    expect(reset.status).toBe(200);
    expect(reset.body.revokedDevices).toBe(1);
    expect((await call(registry, 'GET', '/v1/users/alice/devices', adminKey)).body.items).toEqual([expect.objectContaining({ deviceId, status: 'revoked' })]);
    // The revoked phone being refused tells when the challenge service has learned of the reset; polling with
    // challenges instead would spend alice's rate limit and end at rate_limited.
    const revokedSigns = await eventually(async () => {
      const r = await call(challenge, 'POST', responsePath, undefined, responseBody, {
        ...signDeviceRequest(privateJwk, { method: 'POST', pathWithQuery: responsePath, body: responseBody, deviceId }),
      } as Record<string, string>);
      return r.status === 401 ? r : undefined;
    }, 'the challenge service to learn of the reset');
    expect(revokedSigns.body.code).toBe('unauthorized');
    const fallback = await call(challenge, 'POST', '/v1/challenges', platformKey, { userId: 'alice' });
    expect(fallback.status).toBe(409);
    expect(fallback.body.code).toBe('no_active_device');

    // No secret reached Kafka or a log: not the API keys, not the pairing secret, not the number to match, not the
    // services' Kafka passwords.
    const kafkaPasswords = (['device-registry', 'challenge', 'delivery', 'reporting'] as const).map((service) => kafkaCredentials(service).password);
    const secrets = [platformKey, adminKey, qr.searchParams.get('s')!, privateJwk.d as string, ...kafkaPasswords];
    const records = await readAllRecords([
      topicName('registry', stack.ns.topicPrefix),
      topicName('challenge', stack.ns.topicPrefix),
      topicName('delivery', stack.ns.topicPrefix),
    ]);
    expect(records.length).toBeGreaterThanOrEqual(8);
    const published = records.join('\n');
    for (const secret of secrets) expect(published).not.toContain(secret);
    expect(published).not.toContain('"numberMatch"');
    expect(published).not.toMatch(/secretHash|confirmationCodeHash/);
    const logs = stack
      .services()
      .map((service) => service.output())
      .join('\n');
    for (const secret of secrets) expect(logs).not.toContain(secret);
    expect(logs).not.toContain('fcm-token-alice-1');
  }, 120_000);
  it('stops every service gracefully on SIGTERM: exit code 0', async () => {
    expect(await stack.stopServices()).toEqual({ 'device-registry': 0, challenge: 0, delivery: 0, reporting: 0 });
  }, 60_000);
});
