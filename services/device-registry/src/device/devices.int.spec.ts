import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { buildEnvelope, topicName } from '@pushmfa/contracts';
import { signDeviceRequest } from '@pushmfa/device-auth';
import { createTestNamespace, eventually, type TestNamespace, callJson } from '@pushmfa/testing';
import type { RegistryConfig } from '../config';
import { startDeviceRegistry } from '../main';
import { PairingCommands, pairingDigest } from '../pairing/pairing-commands';
import { registerWithNewKey, createWorkspaceWithKeys, startRegistryForTest } from '../device-registry.test-app';

const OPERATOR = 'devices-int-operator-token';

interface Envelope {
  id: string;
  type: string;
  workspaceId: string;
  data: Record<string, any>;
}

describe('devices over HTTP and Kafka with the real stack', () => {
  let ns: TestNamespace;
  let config: RegistryConfig;
  let app: NestFastifyApplication;
  let base: string;
  let kafka: Kafka;
  let probe: Consumer;
  let producer: Producer;
  const published: Envelope[] = [];

  beforeAll(async () => {
    ns = await createTestNamespace('devices');
    ({ app, base, config } = await startRegistryForTest(ns, OPERATOR));
    kafka = ns.kafka('devices-int-probe');
    producer = kafka.producer();
    await producer.connect();
    probe = kafka.consumer({ groupId: `probe-${ns.id}`, maxWaitTimeInMs: 100 });
    await probe.connect();
    await probe.subscribe({ topic: topicName('registry', ns.topicPrefix), fromBeginning: true });
    await probe.run({ eachMessage: async ({ message }) => void published.push(JSON.parse(message.value?.toString() ?? '{}') as Envelope) });
  });

  afterAll(async () => {
    await probe?.disconnect();
    await producer?.disconnect();
    await app?.close();
    await ns?.dispose();
  });

  const call = (method: string, path: string, auth?: string, body?: unknown, headers: Record<string, string> = {}) =>
    callJson(base, method, path, auth, body, headers);

  const workspaceWithKeys = (name: string) => createWorkspaceWithKeys(base, OPERATOR, name);

  async function register(pairing: Record<string, any>) {
    const { answer, privateJwk } = await registerWithNewKey(base, pairing);
    expect(answer.status).toBe(201);
    return { deviceId: answer.body.deviceId as string, code: answer.body.confirmationCode as string, privateJwk };
  }

  async function pairDevice(ws: { platform: string }, userId: string, options: Record<string, unknown> = {}) {
    const pairing = (await call('POST', `/v1/users/${userId}/pairings`, ws.platform, options)).body;
    const device = await register(pairing);
    const confirmed = await call('POST', `/v1/pairings/${pairing.pairingId}/confirm`, ws.platform, { code: device.code });
    return { ...device, pairingId: pairing.pairingId as string, confirmed };
  }

  const putPushToken = (device: { deviceId: string; privateJwk: Record<string, unknown> }, pushToken: string) => {
    const path = '/v1/device/push-token';
    const body = JSON.stringify({ pushToken });
    const headers = signDeviceRequest(device.privateJwk, { method: 'PUT', pathWithQuery: path, body, deviceId: device.deviceId });
    return call('PUT', path, undefined, body, headers as unknown as Record<string, string>);
  };

  const devicesOf = async (key: string, userId: string) => (await call('GET', `/v1/users/${userId}/devices`, key)).body.items as Record<string, any>[];
  const waitForPublished = (what: string, match: (e: Envelope) => boolean) => eventually(async () => published.find(match), what, 20_000);

  it('lists the paired device with the contract fields', async () => {
    const ws = await workspaceWithKeys('List');
    const device = await pairDevice(ws, 'alice');
    expect(device.confirmed.status).toBe(200);
    const items = await devicesOf(ws.admin, 'alice');
    expect(items).toEqual([
      {
        deviceId: device.deviceId,
        name: 'ios device',
        platform: 'ios',
        pushProvider: 'apns',
        status: 'active',
        pairedAt: expect.any(String),
        lastSeenAt: null,
        pushTokenStatus: 'valid',
        health: null,
      },
    ]);
    expect(await devicesOf(ws.platform, 'alice')).toHaveLength(1);
    expect(await devicesOf(ws.admin, 'nobody')).toEqual([]);
  });

  it('rotates the push token with a signed request, and a PushRejected on the delivery topic makes it invalid', async () => {
    const ws = await workspaceWithKeys('Tokens');
    const device = await pairDevice(ws, 'bob');
    const rejectedAt = new Date().toISOString();
    const rejectedOnce = (id: string) =>
      buildEnvelope({
        id,
        type: 'PushRejected',
        occurredAt: rejectedAt,
        workspaceId: ws.id,
        streamId: `push-challenge-${randomUUID()}`,
        correlationId: randomUUID(),
        data: { challengeId: 'c1', userId: 'bob', deviceId: device.deviceId, provider: 'apns', attempt: 1, reason: 'BadDeviceToken' },
      });
    const send = (envelope: ReturnType<typeof rejectedOnce>) =>
      producer.send({ topic: topicName('delivery', ns.topicPrefix), messages: [{ key: 'c1', value: JSON.stringify(envelope) }] });
    const rejected = rejectedOnce(randomUUID());
    await send(rejected);
    await eventually(async () => ((await devicesOf(ws.admin, 'bob'))[0]?.pushTokenStatus === 'invalid' ? true : undefined), 'the token marked invalid', 30_000);
    await waitForPublished('PushTokenInvalidated', (e) => e.type === 'PushTokenInvalidated' && e.data.deviceId === device.deviceId);

    expect((await putPushToken(device, 'apns-token-2')).status).toBe(204);
    const [row] = await devicesOf(ws.admin, 'bob');
    expect(row).toMatchObject({ pushTokenStatus: 'valid', lastSeenAt: expect.any(String) });
    const rotated = await waitForPublished('PushTokenRotated', (e) => e.type === 'PushTokenRotated' && e.data.deviceId === device.deviceId);
    expect(rotated.data).toEqual({ deviceId: device.deviceId, userId: 'bob', pushToken: 'apns-token-2' });

    // The same message delivered again (inbox), and another report of a push sent before the rotation (decider), leave the new token valid.
    await send(rejected);
    await send(rejectedOnce(randomUUID()));
    expect((await putPushToken(device, 'apns-token-2')).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await devicesOf(ws.admin, 'bob'))[0]?.pushTokenStatus).toBe('valid');
    expect(published.filter((e) => e.type === 'PushTokenInvalidated' && e.data.deviceId === device.deviceId)).toHaveLength(1);
  });

  it('takes a signed health heartbeat: the device list shows it with a summary, and DeviceHealthReported is published once', async () => {
    const ws = await workspaceWithKeys('Health');
    const device = await pairDevice(ws, 'hana');
    const path = '/v1/device/health';
    const signedPut = (body: string, signer = device) => {
      const headers = signDeviceRequest(signer.privateJwk, { method: 'PUT', pathWithQuery: path, body, deviceId: device.deviceId });
      return call('PUT', path, undefined, body, headers as unknown as Record<string, string>);
    };
    const report = { notifications: 'denied', focusMode: false, appVersion: '2.4.1', osVersion: 'iOS 18.2', lastPushSeenAt: '2026-12-05T08:00:00.000Z' };

    expect((await signedPut(JSON.stringify(report))).status).toBe(204);
    const [row] = await devicesOf(ws.admin, 'hana');
    expect(row?.health).toEqual({
      notifications: 'denied',
      focusMode: false,
      batterySaver: null,
      backgroundRefresh: null,
      appVersion: '2.4.1',
      osVersion: 'iOS 18.2',
      lastPushSeenAt: '2026-12-05T08:00:00.000Z',
      reportedAt: expect.any(String),
      summary: 'notifications are turned off',
    });
    const event = await waitForPublished('DeviceHealthReported', (e) => e.type === 'DeviceHealthReported' && e.data.deviceId === device.deviceId);
    expect(event.data).toEqual({ deviceId: device.deviceId, userId: 'hana', reportedAt: row?.health.reportedAt, ...report });
    expect(event.workspaceId).toBe(ws.id);

    // The same heartbeat again within a minute records nothing; a change is recorded at once.
    expect((await signedPut(JSON.stringify(report))).status).toBe(204);
    expect((await signedPut(JSON.stringify({ ...report, notifications: 'allowed', focusMode: true }))).status).toBe(204);
    expect((await devicesOf(ws.admin, 'hana'))[0]?.health.summary).toBe('Focus mode is on');
    await waitForPublished('the changed report', (e) => e.type === 'DeviceHealthReported' && e.data.deviceId === device.deviceId && e.data.focusMode === true);
    expect(published.filter((e) => e.type === 'DeviceHealthReported' && e.data.deviceId === device.deviceId)).toHaveLength(2);

    // Unsigned, or signed by another key: 401.
    expect((await call('PUT', path, undefined, JSON.stringify(report), { 'content-type': 'application/json' })).status).toBe(401);
    const other = await pairDevice(ws, 'hugo');
    expect((await signedPut(JSON.stringify(report), other)).status).toBe(401);

    // Strict validation names the field.
    for (const [body, field] of [
      [{ notifications: 'maybe' }, 'notifications'],
      [{ focusMode: 'yes' }, 'focusMode'],
      [{ appVersion: '2.4\u202e1' }, 'appVersion'],
      [{ lastPushSeenAt: 'yesterday' }, 'lastPushSeenAt'],
      [{ volume: 3 }, 'volume'],
    ] as const) {
      const refused = await signedPut(JSON.stringify(body));
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('validation_failed');
      expect(JSON.stringify(refused.body.errors)).toContain(field);
    }
  });

  it('sends a test push (admin only): TestPushRequested is published, and only that device may acknowledge it, once', async () => {
    const ws = await workspaceWithKeys('Test push');
    const device = await pairDevice(ws, 'tess');
    const path = `/v1/users/tess/devices/${device.deviceId}/test-push`;

    expect((await call('POST', path, ws.platform)).status).toBe(403);
    const accepted = await call('POST', path, ws.admin);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ testPushId: expect.any(String), requestedAt: expect.any(String) });
    const { testPushId } = accepted.body as { testPushId: string };
    // Answered after publishing: the event is already on the topic.
    const requested = await waitForPublished('TestPushRequested', (e) => e.type === 'TestPushRequested' && e.data.testPushId === testPushId);
    expect(requested.data).toEqual({
      testPushId,
      userId: 'tess',
      deviceId: device.deviceId,
      requestedBy: { kind: 'admin', keyId: expect.any(String) },
      requestedAt: accepted.body.requestedAt,
    });
    expect(requested.workspaceId).toBe(ws.id);

    // One per device every 10 seconds, with Retry-After; nothing is recorded.
    const limited = await call('POST', path, ws.admin);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('rate_limited');

    // Unknown device, another user's device, another workspace's device: 404.
    expect((await call('POST', `/v1/users/tess/devices/${randomUUID()}/test-push`, ws.admin)).body.code).toBe('not_found');
    expect((await call('POST', `/v1/users/someone-else/devices/${device.deviceId}/test-push`, ws.admin)).status).toBe(404);
    const otherWs = await workspaceWithKeys('Test push elsewhere');
    expect((await call('POST', path, otherWs.admin)).status).toBe(404);

    // The receipt: signed by the device the push went to, idempotent; another device's reads as absent.
    const receipt = (signer: { deviceId: string; privateJwk: Record<string, unknown> }, id: string) => {
      const receiptPath = `/v1/device/test-pushes/${id}/receipt`;
      const headers = signDeviceRequest(signer.privateJwk, { method: 'POST', pathWithQuery: receiptPath, body: undefined, deviceId: signer.deviceId });
      return call('POST', receiptPath, undefined, undefined, headers as unknown as Record<string, string>);
    };
    const other = await pairDevice(ws, 'tess');
    expect((await receipt(other, testPushId)).status).toBe(404);
    expect((await receipt(device, randomUUID())).status).toBe(404);
    expect((await receipt(device, testPushId)).status).toBe(204);
    expect((await receipt(device, testPushId)).status).toBe(204);
    const received = await waitForPublished('TestPushReceived', (e) => e.type === 'TestPushReceived' && e.data.testPushId === testPushId);
    expect(received.data).toEqual({ testPushId, userId: 'tess', deviceId: device.deviceId, receivedAt: expect.any(String) });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(published.filter((e) => e.type === 'TestPushReceived' && e.data.testPushId === testPushId)).toHaveLength(1);

    // A revoked device is refused with a stable code, and nothing is published.
    expect((await call('DELETE', `/v1/users/tess/devices/${other.deviceId}`, ws.admin)).status).toBe(204);
    const revoked = await call('POST', `/v1/users/tess/devices/${other.deviceId}/test-push`, ws.admin);
    expect(revoked.status).toBe(409);
    expect(revoked.body.code).toBe('device_revoked');
    expect(published.filter((e) => e.type === 'TestPushRequested' && e.data.deviceId === other.deviceId)).toEqual([]);
  });

  it('documents the test push and its receipt in /openapi.json', async () => {
    const { body } = await call('GET', '/openapi.json');
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/v1/users/{userId}/devices/{deviceId}/test-push', '/v1/device/test-pushes/{testPushId}/receipt']),
    );
    expect(body.paths['/v1/users/{userId}/devices/{deviceId}/test-push'].post.responses['202']).toBeDefined();
  });

  it('refuses a test push to a device whose push token the provider rejected', async () => {
    const ws = await workspaceWithKeys('Test push dead token');
    const device = await pairDevice(ws, 'theo');
    const rejected = buildEnvelope({
      id: randomUUID(),
      type: 'PushRejected',
      occurredAt: new Date().toISOString(),
      workspaceId: ws.id,
      streamId: `push-test-${randomUUID()}`,
      correlationId: randomUUID(),
      data: { testPushId: randomUUID(), userId: 'theo', deviceId: device.deviceId, provider: 'apns', attempt: 1, reason: 'BadDeviceToken' },
    });
    await producer.send({ topic: topicName('delivery', ns.topicPrefix), messages: [{ key: 'theo', value: JSON.stringify(rejected) }] });
    await eventually(
      async () => ((await devicesOf(ws.admin, 'theo'))[0]?.pushTokenStatus === 'invalid' ? true : undefined),
      'the token marked invalid',
      30_000,
    );
    const refused = await call('POST', `/v1/users/theo/devices/${device.deviceId}/test-push`, ws.admin);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('push_token_invalid');
  });

  it('revokes a device: it can no longer sign, and DeviceRevoked is published', async () => {
    const ws = await workspaceWithKeys('Revoke');
    const device = await pairDevice(ws, 'carol');
    expect((await putPushToken(device, 'before-revoke')).status).toBe(204);
    const revoked = await call('DELETE', `/v1/users/carol/devices/${device.deviceId}`, ws.platform);
    expect(revoked.status).toBe(204);
    expect((await putPushToken(device, 'after-revoke')).status).toBe(401);
    expect((await devicesOf(ws.admin, 'carol'))[0]?.status).toBe('revoked');
    const event = await waitForPublished('DeviceRevoked', (e) => e.type === 'DeviceRevoked' && e.data.deviceId === device.deviceId);
    expect(event.data).toMatchObject({ userId: 'carol', reason: 'revoked', revokedBy: { kind: 'platform' } });
    expect((await call('DELETE', `/v1/users/carol/devices/${device.deviceId}`, ws.admin)).status).toBe(204);
  });

  it("keeps workspaces apart: another workspace's device answers 404 and is not listed", async () => {
    const a = await workspaceWithKeys('A');
    const b = await workspaceWithKeys('B');
    const device = await pairDevice(a, 'dave');
    expect(await devicesOf(b.admin, 'dave')).toEqual([]);
    const foreign = await call('DELETE', `/v1/users/dave/devices/${device.deviceId}`, b.admin);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('not_found');
    expect((await call('POST', '/v1/users/dave/pairings', b.platform, { replaceDeviceId: device.deviceId })).status).toBe(404);
    expect((await call('POST', '/v1/users/dave/mfa-reset', b.admin)).body).toEqual({ revokedDevices: 0 });
    expect((await devicesOf(a.admin, 'dave'))[0]?.status).toBe('active');
  });

  it('resets MFA: every active device is revoked, and UserMfaReset and DeviceRevoked are published', async () => {
    const ws = await workspaceWithKeys('Reset');
    const first = await pairDevice(ws, 'erin');
    const second = await pairDevice(ws, 'erin');
    expect((await call('POST', '/v1/users/erin/mfa-reset', ws.platform)).status).toBe(403);
    const reset = await call('POST', '/v1/users/erin/mfa-reset', ws.admin);
    expect({ status: reset.status, body: reset.body }).toEqual({ status: 200, body: { revokedDevices: 2 } });
    expect((await devicesOf(ws.admin, 'erin')).map((d) => d.status)).toEqual(['revoked', 'revoked']);
    expect((await putPushToken(first, 'x')).status).toBe(401);
    const event = await waitForPublished('UserMfaReset', (e) => e.type === 'UserMfaReset' && e.workspaceId === ws.id);
    expect(event.data).toEqual({
      userId: 'erin',
      revokedDeviceIds: expect.arrayContaining([first.deviceId, second.deviceId]),
      resetBy: { kind: 'admin', keyId: expect.any(String) },
    });
    for (const device of [first, second]) {
      await waitForPublished(
        'DeviceRevoked for mfa_reset',
        (e) => e.type === 'DeviceRevoked' && e.data.deviceId === device.deviceId && e.data.reason === 'mfa_reset',
      );
    }
  });

  it('re-pairing with replaceDeviceId revokes the old device when the new one is confirmed', async () => {
    const ws = await workspaceWithKeys('Replace');
    const old = await pairDevice(ws, 'frank');
    const pairing = (await call('POST', '/v1/users/frank/pairings', ws.platform, { replaceDeviceId: old.deviceId })).body;
    const fresh = await register(pairing);
    expect((await devicesOf(ws.admin, 'frank')).map((d) => d.status)).toEqual(['active']);
    expect((await call('POST', `/v1/pairings/${pairing.pairingId}/confirm`, ws.platform, { code: fresh.code })).status).toBe(200);
    const items = await devicesOf(ws.admin, 'frank');
    expect(items.map((d) => [d.deviceId, d.status])).toEqual([
      [old.deviceId, 'revoked'],
      [fresh.deviceId, 'active'],
    ]);
    await waitForPublished('DeviceRevoked replaced', (e) => e.type === 'DeviceRevoked' && e.data.deviceId === old.deviceId && e.data.reason === 'replaced');
    await waitForPublished('DevicePaired naming the replaced device', (e) => e.type === 'DevicePaired' && e.data.replacedDeviceId === old.deviceId);
  });

  it('still revokes the replaced device when the registry stopped between recording the new one and revoking the old', async () => {
    const ws = await workspaceWithKeys('ReplaceCrash');
    const old = await pairDevice(ws, 'fay');
    const pairing = (await call('POST', '/v1/users/fay/pairings', ws.platform, { replaceDeviceId: old.deviceId })).body;
    const fresh = await register(pairing);
    // What the confirming request had done when its process died: DevicePaired recorded, the old device not yet revoked.
    await app.get(PairingCommands).execute(pairing.pairingId, ws.id, {
      type: 'ConfirmPairing',
      codeHash: pairingDigest(pairing.pairingId, fresh.code),
      now: new Date(),
      activeDeviceIds: [old.deviceId],
      maxDevicesPerUser: 10,
    });

    await eventually(
      async () => ((await devicesOf(ws.admin, 'fay')).find((d) => d.deviceId === old.deviceId)?.status === 'revoked' ? true : undefined),
      'the old device revoked',
      20_000,
    );
    const revoked = await waitForPublished('DeviceRevoked replaced', (e) => e.type === 'DeviceRevoked' && e.data.deviceId === old.deviceId);
    expect(revoked.data).toMatchObject({ reason: 'replaced', revokedBy: { kind: 'system' } });
    expect((await devicesOf(ws.admin, 'fay')).find((d) => d.deviceId === fresh.deviceId)?.status).toBe('active');
  });

  it('refuses a confirmation past maxDevicesPerUser with pairing_failed, but allows a replacement', async () => {
    const ws = await workspaceWithKeys('Limit');
    expect((await call('PATCH', '/v1/workspace/settings', ws.admin, { maxDevicesPerUser: 2 })).status).toBe(200);
    const first = await pairDevice(ws, 'gina');
    await pairDevice(ws, 'gina');
    const third = await pairDevice(ws, 'gina');
    expect(third.confirmed.status).toBe(409);
    expect(third.confirmed.body.code).toBe('pairing_failed');
    expect(third.confirmed.body.detail).toMatch(/maxDevicesPerUser/);
    expect((await call('GET', `/v1/pairings/${third.pairingId}`, ws.platform)).body.status).toBe('awaiting_confirmation');

    // Freeing a slot lets the waiting pairing through; a replacement never needs a free slot.
    expect((await call('DELETE', `/v1/users/gina/devices/${first.deviceId}`, ws.admin)).status).toBe(204);
    expect((await call('POST', `/v1/pairings/${third.pairingId}/confirm`, ws.platform, { code: third.code })).status).toBe(200);
    const replacing = await pairDevice(ws, 'gina', { replaceDeviceId: third.deviceId });
    expect(replacing.confirmed.status).toBe(200);
    expect((await devicesOf(ws.admin, 'gina')).filter((d) => d.status === 'active')).toHaveLength(2);
  });

  it('lets only one of two racing confirmations take the last free slot', async () => {
    const ws = await workspaceWithKeys('Limit race');
    expect((await call('PATCH', '/v1/workspace/settings', ws.admin, { maxDevicesPerUser: 1 })).status).toBe(200);
    const pairings = await Promise.all([1, 2].map(() => call('POST', '/v1/users/ivan/pairings', ws.platform, {})));
    const registered = await Promise.all(pairings.map((p) => register(p.body)));
    const answers = await Promise.all(
      pairings.map((p, i) => call('POST', `/v1/pairings/${p.body.pairingId}/confirm`, ws.platform, { code: registered[i]?.code })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect((await devicesOf(ws.admin, 'ivan')).filter((d) => d.status === 'active')).toHaveLength(1);
  });

  it('loses nothing when the service restarts in the middle of a pairing', async () => {
    const ws = await workspaceWithKeys('Restart');
    const pairing = (await call('POST', '/v1/users/hana/pairings', ws.platform, {})).body;
    const device = await register(pairing);
    await app.close();
    app = await startDeviceRegistry(config, { handleSignals: false });
    base = await app.getUrl();
    const confirmed = await call('POST', `/v1/pairings/${pairing.pairingId}/confirm`, ws.platform, { code: device.code });
    expect(confirmed.body).toEqual({ deviceId: device.deviceId, status: 'active' });
    expect((await devicesOf(ws.admin, 'hana'))[0]).toMatchObject({ deviceId: device.deviceId, status: 'active' });
    expect((await putPushToken(device, 'after-restart')).status).toBe(204);
  });
});
