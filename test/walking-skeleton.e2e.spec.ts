import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { topicName } from '@pushmfa/contracts';
import { signDeviceRequest } from '@pushmfa/device-auth';
import { createTestServiceAccount, type FcmEmulator, startFcmEmulator } from '@pushmfa/push-emulators';
import { callJson, createTestNamespace, eventually, freePort, type RunningService, startServiceProcesses, type TestNamespace } from '@pushmfa/testing';

/**
 * The thinnest real flow, from outside: four service processes (production mode), the real broker, database and
 * cache, and the FCM emulator speaking to the real firebase-admin SDK.
 */
describe('walking skeleton: pair, enable push, challenge, push, approve, report', () => {
  const operatorToken = 'e2e-operator-token-0123456789';
  let ns: TestNamespace;
  let fcm: FcmEmulator;
  const services: Partial<Record<'registry' | 'challenge' | 'delivery' | 'reporting', RunningService>> = {};

  beforeAll(async () => {
    ns = await createTestNamespace('skeleton');
    const account = createTestServiceAccount('pushmfa-e2e');
    fcm = await startFcmEmulator({ serviceAccounts: [{ clientEmail: account.serviceAccount.client_email, publicKeyPem: account.publicKeyPem }] });
    const dir = mkdtempSync(join(tmpdir(), 'pushmfa-e2e-'));
    const serviceAccountFile = join(dir, 'service-account.json');
    writeFileSync(serviceAccountFile, JSON.stringify(account.serviceAccount));
    // Debug logs, so the check that no secret reaches a log reads everything the services say.
    const common = { ...ns.env, PUSHMFA_MODE: 'production', PUSHMFA_OPERATOR_TOKEN: operatorToken, LOG_LEVEL: 'debug' };
    const [registryPort, challengePort, deliveryPort, reportingPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    [services.registry, services.challenge, services.delivery, services.reporting] = await startServiceProcesses([
      { name: 'device-registry', env: { ...common, PORT: String(registryPort), PUBLIC_BASE_URL: `http://127.0.0.1:${registryPort}` } },
      { name: 'challenge', env: { ...common, PORT: String(challengePort) } },
      { name: 'delivery', env: { ...common, PORT: String(deliveryPort), FCM_SERVICE_ACCOUNT_FILE: serviceAccountFile, FCM_EMULATOR_URL: fcm.url, PUSH_EMULATOR_CA: fcm.caPemPath } },
      { name: 'reporting', env: { ...common, PORT: String(reportingPort) } },
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(Object.values(services).map((s) => s?.stop()));
    // Each process's output stays behind for whoever reads a failure.
    const logs = join(__dirname, '..', '.local', 'e2e-logs');
    mkdirSync(logs, { recursive: true });
    for (const service of Object.values(services)) if (service) writeFileSync(join(logs, `walking-skeleton.${service.name}.log`), service.output());
    await fcm?.close();
    await ns?.dispose();
  });

  async function readAllRecords(topics: string[]): Promise<string[]> {
    const kafka = new Kafka({ clientId: 'skeleton-probe', brokers: ns.kafkaBrokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const expected = new Map<string, number>();
    for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) expected.set(`${topic}/${p.partition}`, Number(p.high));
    await admin.disconnect();
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    const values: string[] = [];
    const consumer = kafka.consumer({ groupId: `probe-${ns.id}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(`${message.key?.toString()} ${message.value?.toString()}`) });
    await eventually(async () => (values.length >= total ? true : undefined), `all ${total} records`);
    await consumer.disconnect();
    return values;
  }

  const call = callJson;

  it('carries one challenge through all four services and the MFA Report shows success', async () => {
    const registry = services.registry!.baseUrl;
    const challenge = services.challenge!.baseUrl;
    const reporting = services.reporting!.baseUrl;

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
    const registerBody = JSON.stringify({ secret: qr.searchParams.get('s'), publicKey: publicJwk, platform: 'android', pushProvider: 'fcm', pushToken: 'fcm-token-alice-1' });
    const registered = await call(registry, 'POST', registerPath, undefined, registerBody, { ...signDeviceRequest(privateJwk, { method: 'POST', pathWithQuery: registerPath, body: registerBody }) } as Record<string, string>);
    expect(registered.status).toBe(201);
    expect(registered.body.confirmationCode).toMatch(/^\d{6}$/);
    const confirmed = await call(registry, 'POST', `/v1/pairings/${pairing.body.pairingId}/confirm`, platformKey, { code: registered.body.confirmationCode });
    expect(confirmed.body).toEqual({ deviceId: registered.body.deviceId, status: 'active' });
    const deviceId = registered.body.deviceId as string;

    // The platform issues a challenge once the challenge service has learned of the device.
    const issued = await eventually(async () => {
      const r = await call(challenge, 'POST', '/v1/challenges', platformKey, { userId: 'alice', context: { application: 'Payroll', ipAddress: '203.0.113.7', location: 'Lisbon, PT', userAgent: 'Firefox on Linux' } });
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
    const approved = await call(challenge, 'POST', responsePath, undefined, responseBody, { ...signDeviceRequest(privateJwk, { method: 'POST', pathWithQuery: responsePath, body: responseBody, deviceId }) } as Record<string, string>);
    expect(approved.body).toEqual({ status: 'approved' });
    const answer = await longPoll;
    expect(answer.body).toMatchObject({ challengeId, userId: 'alice', status: 'approved' });

    // The MFA Report ends at success.
    const report = await eventually(async () => {
      const r = await call(reporting, 'GET', `/v1/reports/mfa/${challengeId}`, adminKey);
      return r.body.status === 'success' ? r : undefined;
    }, 'the report row to read success');
    expect(report.body).toMatchObject({ challengeId, userId: 'alice', status: 'success', fraudReported: false });
    expect(report.body.timeline.map((t: { type: string }) => t.type)).toEqual(expect.arrayContaining(['ChallengeIssued', 'PushDispatched', 'ChallengeApproved']));

    // A signed request replayed is refused.
    const replay = await call(challenge, 'POST', responsePath, undefined, responseBody, { ...signDeviceRequest(privateJwk, { method: 'POST', pathWithQuery: responsePath, body: responseBody, deviceId, nonce: 'fixed-nonce-0123456789' }) } as Record<string, string>);
    expect(replay.status).toBe(200);
    const replayAgain = await call(challenge, 'POST', responsePath, undefined, responseBody, { ...signDeviceRequest(privateJwk, { method: 'POST', pathWithQuery: responsePath, body: responseBody, deviceId, nonce: 'fixed-nonce-0123456789' }) } as Record<string, string>);
    expect(replayAgain.status).toBe(401);
    expect(replayAgain.contentType).toContain('application/problem+json');

    // Last resort (journey 8): the admin resets alice's MFA; the platform is then told to fall back to a password.
    const reset = await call(registry, 'POST', '/v1/users/alice/mfa-reset', adminKey);
    expect(reset.status).toBe(200);
    expect(reset.body.revokedDevices).toBe(1);
    expect((await call(registry, 'GET', '/v1/users/alice/devices', adminKey)).body.items).toEqual([expect.objectContaining({ deviceId, status: 'revoked' })]);
    const fallback = await eventually(async () => {
      const r = await call(challenge, 'POST', '/v1/challenges', platformKey, { userId: 'alice' });
      return r.body.code === 'no_active_device' ? r : undefined;
    }, 'the challenge service to learn of the reset');
    expect(fallback.status).toBe(409);
    const revokedSigns = await call(challenge, 'POST', responsePath, undefined, responseBody, { ...signDeviceRequest(privateJwk, { method: 'POST', pathWithQuery: responsePath, body: responseBody, deviceId }) } as Record<string, string>);
    expect(revokedSigns.status).toBe(401);

    // No secret reached Kafka or a log: not the API keys, not the pairing secret, not the number to match.
    const secrets = [platformKey, adminKey, qr.searchParams.get('s')!, privateJwk.d as string];
    const records = await readAllRecords([topicName('registry', ns.topicPrefix), topicName('challenge', ns.topicPrefix), topicName('delivery', ns.topicPrefix)]);
    expect(records.length).toBeGreaterThanOrEqual(8);
    const published = records.join('\n');
    for (const secret of secrets) expect(published).not.toContain(secret);
    expect(published).not.toContain('"numberMatch"');
    expect(published).not.toMatch(/secretHash|confirmationCodeHash/);
    const logs = Object.values(services).map((service) => service!.output()).join('\n');
    for (const secret of secrets) expect(logs).not.toContain(secret);
    expect(logs).not.toContain('fcm-token-alice-1');
  }, 120_000);
  it('stops every service gracefully on SIGTERM: exit code 0', async () => {
    const codes = await Promise.all(Object.values(services).map(async (service) => [service!.name, await service!.stop()] as const));
    expect(Object.fromEntries(codes)).toEqual({ 'device-registry': 0, challenge: 0, delivery: 0, reporting: 0 });
  }, 60_000);
});
