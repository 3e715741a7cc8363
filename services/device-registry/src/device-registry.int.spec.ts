import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { signDeviceRequest } from '@pushmfa/device-auth';
import { topicName } from '@pushmfa/contracts';
import { createTestNamespace, eventually, startTcpFaultProxy, type TcpFaultProxy, type TestNamespace, callJson } from '@pushmfa/testing';
import { registerWithNewKey, createWorkspaceWithKeys, startRegistryForTest } from './device-registry.test-app';
import { pairingDigest } from './pairing/pairing-commands';
import { pairingStreamId } from './pairing/pairing.events';
import { PostgresEventStore } from '@pushmfa/event-store';

const OPERATOR = 'registry-int-operator-token';

describe('device registry over HTTP with the real stack', () => {
  let ns: TestNamespace;
  let app: NestFastifyApplication;
  let base: string;
  let database: TcpFaultProxy;

  beforeAll(async () => {
    ns = await createTestNamespace('registry');
    // The service reaches PostgreSQL through a proxy the outage test can cut.
    const url = new URL(ns.databaseUrl);
    database = await startTcpFaultProxy(url.hostname, Number(url.port || 5432));
    url.host = database.address;
    ({ app, base } = await startRegistryForTest(ns, OPERATOR, { DATABASE_URL: url.toString() }));
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    await ns?.dispose();
  });

  const call = (method: string, path: string, auth?: string, body?: unknown, headers: Record<string, string> = {}) =>
    callJson(base, method, path, auth, body, headers);

  const workspaceWithKeys = (name: string) => createWorkspaceWithKeys(base, OPERATOR, name);
  const registerDevice = async (pairing: Record<string, any>) => (await registerWithNewKey(base, pairing)).answer;

  it('refuses the operator API without the operator token, and never echoes a secret', async () => {
    const refused = await call('POST', '/v1/workspaces', 'wrong-token-0123456789', { name: 'x' });
    expect(refused.status).toBe(401);
    expect(refused.contentType).toContain('application/problem+json');
    expect(JSON.stringify(refused.body)).not.toContain('wrong-token');
  });

  it('issues many keys at once: every one answers 201 and works at once', async () => {
    const ws = await call('POST', '/v1/workspaces', OPERATOR, { name: 'Busy' });
    const issued = await Promise.all(
      Array.from({ length: 12 }, (_, i) => call('POST', `/v1/workspaces/${ws.body.id}/api-keys`, OPERATOR, { role: i % 2 ? 'admin' : 'platform' })),
    );
    expect(issued.map((r) => r.status)).toEqual(Array(12).fill(201));
    const reads = await Promise.all(issued.map((r) => call('GET', '/v1/workspace', r.body.key)));
    expect(reads.every((r) => r.status === 200 && r.body.id === ws.body.id)).toBe(true);
  });

  it('revokes an API key: refused at once, revoking again changes nothing, unknown keys are 404', async () => {
    const ws = await workspaceWithKeys('Revocation');
    const issued = await call('POST', `/v1/workspaces/${ws.id}/api-keys`, OPERATOR, { role: 'admin', label: 'to revoke' });
    expect((await call('GET', '/v1/workspace', issued.body.key)).status).toBe(200);
    expect((await call('DELETE', `/v1/workspaces/${ws.id}/api-keys/${issued.body.id}`, OPERATOR)).status).toBe(204);
    expect((await call('GET', '/v1/workspace', issued.body.key)).status).toBe(401);
    expect((await call('DELETE', `/v1/workspaces/${ws.id}/api-keys/${issued.body.id}`, OPERATOR)).status).toBe(204);
    expect((await call('GET', '/v1/workspace', ws.admin)).status).toBe(200);
    const other = await workspaceWithKeys('Other');
    expect((await call('DELETE', `/v1/workspaces/${other.id}/api-keys/${issued.body.id}`, OPERATOR)).body.code).toBe('not_found');
    expect((await call('DELETE', `/v1/workspaces/${ws.id}/api-keys/${issued.body.id}`, ws.admin)).status).toBe(401);
  });

  it('validates settings, naming the bad field, and changes nothing', async () => {
    const ws = await workspaceWithKeys('Settings');
    const bad = await call('PATCH', '/v1/workspace/settings', ws.admin, { challengeTtlSeconds: 5, numberMatchingDigits: 2 });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'challengeTtlSeconds' })]);
    expect((await call('GET', '/v1/workspace', ws.admin)).body.settings.challengeTtlSeconds).toBe(60);
    expect((await call('PATCH', '/v1/workspace/settings', ws.platform, { pushEnabled: true })).status).toBe(403);
    expect((await call('GET', '/v1/workspace', ws.admin)).body.settings.maxPendingPerUser).toBe(1);
    const tooMany = await call('PATCH', '/v1/workspace/settings', ws.admin, { maxPendingPerUser: 21 });
    expect(tooMany.body.errors).toEqual([expect.objectContaining({ field: 'maxPendingPerUser' })]);
    expect((await call('PATCH', '/v1/workspace/settings', ws.admin, { maxPendingPerUser: 2 })).body.maxPendingPerUser).toBe(2);
  });

  it('confirms a pairing once when two confirmations race: one device', async () => {
    const ws = await workspaceWithKeys('Race');
    const pairing = (await call('POST', '/v1/users/bob/pairings', ws.platform, {})).body;
    const registered = await registerDevice(pairing);
    expect(registered.status).toBe(201);
    const code = registered.body.confirmationCode as string;
    const answers = await Promise.all([1, 2, 3].map(() => call('POST', `/v1/pairings/${pairing.pairingId}/confirm`, ws.platform, { code })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'pairing_failed')).toBe(true);
    expect((await call('GET', `/v1/pairings/${pairing.pairingId}`, ws.platform)).body).toMatchObject({
      status: 'confirmed',
      deviceId: registered.body.deviceId,
    });
  });

  it('fails a pairing after five wrong codes, and a pairing is used once', async () => {
    const ws = await workspaceWithKeys('Wrong codes');
    const pairing = (await call('POST', '/v1/users/carol/pairings', ws.platform, {})).body;
    const registered = await registerDevice(pairing);
    const wrong = registered.body.confirmationCode === '000000' ? '111111' : '000000';
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await call('POST', `/v1/pairings/${pairing.pairingId}/confirm`, ws.platform, { code: wrong })).body.code);
    expect(codes).toEqual([
      'invalid_confirmation_code',
      'invalid_confirmation_code',
      'invalid_confirmation_code',
      'invalid_confirmation_code',
      'pairing_failed',
    ]);
    expect((await call('POST', `/v1/pairings/${pairing.pairingId}/confirm`, ws.platform, { code: registered.body.confirmationCode })).body.code).toBe(
      'pairing_failed',
    );
    expect((await call('GET', `/v1/pairings/${pairing.pairingId}`, ws.platform)).body.status).toBe('failed');
    expect((await registerDevice(pairing)).body.code).toBe('pairing_failed');
  });

  it('refuses a pairing past its ten minutes with pairing_expired, judged by the server clock', async () => {
    const ws = await workspaceWithKeys('Expiry');
    // Given a pairing started eleven minutes ago (written to the store as the registry would have).
    const pairingId = randomUUID();
    const secret = 'an-old-pairing-secret-0123456789';
    await app.get(PostgresEventStore).appendToStream(
      pairingStreamId(pairingId),
      [
        {
          id: randomUUID(),
          type: 'PairingStarted',
          data: {
            pairingId,
            workspaceId: ws.id,
            userId: 'frank',
            secretHash: pairingDigest(pairingId, secret),
            expiresAt: new Date(Date.now() - 60_000).toISOString(),
          },
          metadata: { workspaceId: ws.id },
        },
      ],
      'no_stream',
    );
    expect((await call('GET', `/v1/pairings/${pairingId}`, ws.platform)).body.status).toBe('expired');
    const qrUri = `pushmfa://pair?v=1&url=x&pid=${pairingId}&s=${secret}&ws=x`;
    const late = await registerDevice({ pairingId, qrUri });
    expect(late.status).toBe(410);
    expect(late.body.code).toBe('pairing_expired');
  });

  it("answers 404 for another workspace's pairing, as if absent", async () => {
    const a = await workspaceWithKeys('A');
    const b = await workspaceWithKeys('B');
    const pairing = (await call('POST', '/v1/users/dave/pairings', a.platform, {})).body;
    const foreign = await call('GET', `/v1/pairings/${pairing.pairingId}`, b.platform);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('not_found');
  });

  it('refuses a registration whose key is not EC P-256 or Ed25519, or whose signature is not by that key', async () => {
    const ws = await workspaceWithKeys('Keys');
    const pairing = (await call('POST', '/v1/users/erin/pairings', ws.platform, {})).body;
    const qr = new URL(String(pairing.qrUri).replace('pushmfa://', 'https://'));
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const path = `/v1/pairings/${pairing.pairingId}/register`;
    const rsaBody = JSON.stringify({
      secret: qr.searchParams.get('s'),
      publicKey: rsa.publicKey.export({ format: 'jwk' }),
      platform: 'android',
      pushProvider: 'fcm',
      pushToken: 't',
    });
    const rsaAnswer = await call('POST', path, undefined, rsaBody);
    expect(rsaAnswer.body.code).toBe('validation_failed');
    expect(rsaAnswer.body.errors[0].field).toMatch(/^publicKey/);

    const claimed = generateKeyPairSync('ed25519');
    const signer = generateKeyPairSync('ed25519');
    const body = JSON.stringify({
      secret: qr.searchParams.get('s'),
      publicKey: claimed.publicKey.export({ format: 'jwk' }),
      platform: 'android',
      pushProvider: 'fcm',
      pushToken: 't',
    });
    const headers = signDeviceRequest(signer.privateKey.export({ format: 'jwk' }) as Record<string, unknown>, { method: 'POST', pathWithQuery: path, body });
    const forged = await call('POST', path, undefined, body, headers as unknown as Record<string, string>);
    expect(forged.status).toBe(401);
    expect((await call('GET', `/v1/pairings/${pairing.pairingId}`, ws.platform)).body.status).toBe('pending');
  });
  it('answers 503 with Retry-After while PostgreSQL is unreachable, writes nothing, and recovers', async () => {
    const ws = await workspaceWithKeys('Outage');
    database.cut();
    try {
      const during = await call('POST', `/v1/workspaces/${ws.id}/api-keys`, OPERATOR, { role: 'admin', label: 'during-outage' });
      expect(during.status).toBe(503);
      expect(during.body.code).toBe('unavailable');
      expect(JSON.stringify(during.body)).not.toMatch(/5432|ECONN|postgres/i);
      expect((await call('PATCH', '/v1/workspace/settings', ws.admin, { pushEnabled: true })).status).toBe(503);
    } finally {
      database.restore();
    }
    const after = await call('GET', '/v1/workspace', ws.admin);
    expect(after.status).toBe(200);
    expect(after.body.settings.pushEnabled).toBe(false);
    expect((await call('PATCH', '/v1/workspace/settings', ws.admin, { pushEnabled: true })).body.pushEnabled).toBe(true);

    // The relay lost its connection too; it resumes and publishes the change made after the outage.
    const kafka = ns.kafka('registry-int-probe');
    const consumer = kafka.consumer({ groupId: `probe-${ns.id}`, maxWaitTimeInMs: 100 });
    const seen: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: topicName('registry', ns.topicPrefix), fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? '') });
      await eventually(
        async () => (seen.some((v) => v.includes('WorkspaceSettingsChanged') && v.includes(ws.id)) ? true : undefined),
        'the settings change on Kafka',
        20_000,
      );
    } finally {
      await consumer.disconnect();
    }
    expect(seen.filter((v) => v.includes('during-outage'))).toEqual([]);
  });
});
