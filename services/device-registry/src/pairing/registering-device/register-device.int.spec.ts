import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { Pool } from 'pg';
import { signDeviceRequest } from '@pushmfa/device-auth';
import { callJson, createTestNamespace, type JsonAnswer, type TestNamespace } from '@pushmfa/testing';
import smallOrder from '../../../../../libs/device-auth/test/fixtures/ed25519-small-order.json';
import { createWorkspaceWithKeys, startRegistryForTest } from '../../device-registry.test-app';

const OPERATOR = 'registry-register-operator-token';

interface Registration {
  path: string;
  body: string;
  headers: Record<string, string>;
  nonce: string;
}

/** What the app sends to register `publicJwk`, signed by `privateJwk` (by default the matching private key). */
function registration(
  pairing: { pairingId: string; qrUri: string },
  keys: { publicKey: KeyObject; privateKey: KeyObject } = generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  secret?: string,
): Registration {
  const qr = new URL(pairing.qrUri.replace('pushmfa://', 'https://'));
  const path = `/v1/pairings/${pairing.pairingId}/register`;
  const body = JSON.stringify({
    secret: secret ?? qr.searchParams.get('s'),
    publicKey: keys.publicKey.export({ format: 'jwk' }),
    platform: 'android',
    pushProvider: 'fcm',
    pushToken: `fcm-${randomUUID()}`,
  });
  const nonce = `n-${randomUUID()}`;
  const headers = signDeviceRequest(keys.privateKey.export({ format: 'jwk' }) as Record<string, unknown>, { method: 'POST', pathWithQuery: path, body, nonce });
  return { path, body, headers: headers as unknown as Record<string, string>, nonce };
}

describe('registering a device: the one unauthenticated write', () => {
  let ns: TestNamespace;
  let app: NestFastifyApplication;
  let base: string;
  let redis: Redis;
  let db: Pool;

  beforeAll(async () => {
    ns = await createTestNamespace('register');
    ({ app, base } = await startRegistryForTest(ns, OPERATOR));
    redis = new Redis(ns.redisUrl);
    db = new Pool({ connectionString: ns.databaseUrl, max: 2 });
  });

  afterAll(async () => {
    await app?.close();
    redis?.disconnect();
    await db?.end();
    await ns?.dispose();
  });

  const call = (method: string, path: string, auth?: string, body?: unknown, headers: Record<string, string> = {}) =>
    callJson(base, method, path, auth, body, headers);
  const send = (r: Registration) => call('POST', r.path, undefined, r.body, r.headers);
  const startPairing = async (platformKey: string, userId: string) =>
    (await call('POST', `/v1/users/${userId}/pairings`, platformKey, {})).body as { pairingId: string; qrUri: string };
  const noncesStored = async (nonce: string) => (await redis.keys(`*${nonce}*`)).length;
  const eventsOf = async (pairingId: string) =>
    (await db.query<{ type: string }>('select type from registry.events where stream_id = $1 order by stream_revision', [`pairing-${pairingId}`])).rows.map(
      (r) => r.type,
    );
  const confirm = (platformKey: string, pairingId: string, answer: JsonAnswer) =>
    call('POST', `/v1/pairings/${pairingId}/confirm`, platformKey, { code: answer.body.confirmationCode });

  it('writes no nonce and no event for a pairing that does not exist, is used, or whose secret is wrong', async () => {
    const ws = await createWorkspaceWithKeys(base, OPERATOR, 'No writes');
    const absent = registration({ pairingId: randomUUID(), qrUri: 'pushmfa://pair?v=1&s=secret' });
    expect((await send(absent)).status).toBe(404);
    expect(await noncesStored(absent.nonce)).toBe(0);

    const pairing = await startPairing(ws.platform, 'gil');
    const wrongSecret = registration(pairing, undefined, 'not-the-secret');
    expect((await send(wrongSecret)).status).toBe(401);
    expect(await noncesStored(wrongSecret.nonce)).toBe(0);

    const first = registration(pairing);
    expect((await send(first)).status).toBe(201);
    expect(await noncesStored(first.nonce)).toBe(1);
    const again = registration(pairing);
    expect(await send(again)).toMatchObject({ status: 409, body: { code: 'pairing_failed' } });
    expect(await noncesStored(again.nonce)).toBe(0);
    expect(await eventsOf(pairing.pairingId)).toEqual(['PairingStarted', 'DeviceRegistered']);
  });

  it.each(smallOrder.smallOrder.map((point) => [point.what, point.x]))(
    'refuses the Ed25519 key of small order %s before looking at the signature',
    async (_what, x) => {
      const ws = await createWorkspaceWithKeys(base, OPERATOR, 'Small order');
      const pairing = await startPairing(ws.platform, 'hal');
      const qr = new URL(pairing.qrUri.replace('pushmfa://', 'https://'));
      const path = `/v1/pairings/${pairing.pairingId}/register`;
      const body = JSON.stringify({
        secret: qr.searchParams.get('s'),
        publicKey: { kty: 'OKP', crv: 'Ed25519', x },
        platform: 'android',
        pushProvider: 'fcm',
        pushToken: 'fcm-t',
      });
      // R = the identity, S = 0: with the identity as key it verifies every message (see device-public-key.unit.spec.ts).
      const signature = Buffer.concat([Buffer.from(smallOrder.smallOrder[0]!.hex, 'hex'), Buffer.alloc(32)]).toString('base64url');
      const answer = await call('POST', path, undefined, body, { 'X-Timestamp': String(Date.now()), 'X-Nonce': `n-${randomUUID()}`, 'X-Signature': signature });
      expect(answer).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [{ field: 'publicKey.x' }] } });
      expect(await eventsOf(pairing.pairingId)).toEqual(['PairingStarted']);
    },
  );

  it('refuses to register a public key an active device already has, in any workspace, and frees it once revoked', async () => {
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ws = await createWorkspaceWithKeys(base, OPERATOR, 'Key owner');
    const pairing = await startPairing(ws.platform, 'ida');
    const registered = await send(registration(pairing, keys));
    expect((await confirm(ws.platform, pairing.pairingId, registered)).status).toBe(200);

    const other = await createWorkspaceWithKeys(base, OPERATOR, 'Key thief');
    const second = await startPairing(other.platform, 'ida');
    const reused = registration(second, keys);
    expect(await send(reused)).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [{ field: 'publicKey' }] } });
    expect(await noncesStored(reused.nonce)).toBe(0);
    expect(await eventsOf(second.pairingId)).toEqual(['PairingStarted']);

    expect((await call('DELETE', `/v1/users/ida/devices/${registered.body.deviceId}`, ws.admin)).status).toBe(204);
    expect((await send(registration(second, keys))).status).toBe(201);
  });

  it('lets one of three pairings racing to confirm the same key become active, and refuses the others whole', async () => {
    const keys = generateKeyPairSync('ed25519');
    const ws = await createWorkspaceWithKeys(base, OPERATOR, 'Key race');
    const pairings = await Promise.all(['jo', 'kim', 'lou'].map((user) => startPairing(ws.platform, user)));
    // None is active yet, so every registration passes.
    const registered = await Promise.all(pairings.map((p) => send(registration(p, keys))));
    expect(registered.map((r) => r.status)).toEqual([201, 201, 201]);

    const confirmed = await Promise.all(pairings.map((p, i) => confirm(ws.platform, p.pairingId, registered[i]!)));
    expect(confirmed.map((c) => c.status).sort()).toEqual([200, 400, 400]);
    for (const refused of confirmed.filter((c) => c.status === 400))
      expect(refused.body).toMatchObject({ code: 'validation_failed', errors: [{ field: 'publicKey' }] });
    const paired = await Promise.all(pairings.map((p) => eventsOf(p.pairingId)));
    expect(paired.filter((types) => types.includes('DevicePaired'))).toHaveLength(1);
    const { rows } = await db.query(`select 1 from registry.devices where status = 'active' and public_jwk->>'x' = $1`, [
      keys.publicKey.export({ format: 'jwk' }).x,
    ]);
    expect(rows).toHaveLength(1);
  });

  it('refuses control and bidi override characters in deviceName and pushToken, naming the field, and writes nothing', async () => {
    const ws = await createWorkspaceWithKeys(base, OPERATOR, 'Free text');
    const named = await call('POST', '/v1/users/oda/pairings', ws.platform, { deviceName: 'Oda\u202e enohp' });
    expect(named).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [expect.objectContaining({ field: 'deviceName' })] } });

    const pairing = await startPairing(ws.platform, 'oda');
    for (const [field, value] of [
      ['pushToken', 'fcm-\u0000-token'],
      ['deviceName', 'Oda\u2066s phone'],
      ['deviceName', 'Oda\u0007'],
    ] as const) {
      const r = registration(pairing);
      const body = JSON.stringify({ ...JSON.parse(r.body), [field]: value });
      const answer = await call('POST', r.path, undefined, body, r.headers);
      expect(answer).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [expect.objectContaining({ field })] } });
      expect(await noncesStored(r.nonce)).toBe(0);
    }
    expect(await eventsOf(pairing.pairingId)).toEqual(['PairingStarted']);
  });

  describe('rate limited per client address', () => {
    let limitedNs: TestNamespace;
    let limited: { app: NestFastifyApplication; base: string };

    beforeAll(async () => {
      limitedNs = await createTestNamespace('registerlimit');
      limited = await startRegistryForTest(limitedNs, OPERATOR, { REGISTER_RATE_LIMIT_PER_MINUTE: '3' });
    });

    afterAll(async () => {
      await limited?.app.close();
      await limitedNs?.dispose();
    });

    it('answers 429 rate_limited with Retry-After past the limit, and writes nothing then', async () => {
      // A fixed window: over 2 × limit + 1 requests, at least one lands past the limit even across a window edge.
      const answers: Array<{ answer: JsonAnswer; retryAfter: string | null; nonce: string }> = [];
      for (let i = 0; i < 7; i++) {
        const r = registration({ pairingId: randomUUID(), qrUri: 'pushmfa://pair?v=1&s=secret' });
        const response = await fetch(limited.base + r.path, { method: 'POST', headers: { 'content-type': 'application/json', ...r.headers }, body: r.body });
        answers.push({
          answer: { status: response.status, body: (await response.json()) as Record<string, any>, contentType: response.headers.get('content-type') },
          retryAfter: response.headers.get('retry-after'),
          nonce: r.nonce,
        });
      }
      const refused = answers.filter((a) => a.answer.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      for (const { answer, retryAfter } of refused) {
        expect(answer.body.code).toBe('rate_limited');
        expect(Number(retryAfter)).toBeGreaterThan(0);
        expect(Number(retryAfter)).toBeLessThanOrEqual(60);
      }
      expect(answers.filter((a) => a.answer.status !== 429).every((a) => a.answer.status === 404)).toBe(true);
    });
  });
});
