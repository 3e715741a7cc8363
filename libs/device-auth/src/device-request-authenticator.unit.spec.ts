import { beforeEach, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { DeviceAuthError, type DeviceAuthFailureReason } from './device-auth.error';
import type { DeviceKeyRecord, DeviceKeyResolver, DeviceRequest, NonceStore } from './device-auth.ports';
import { importDevicePublicKey } from './device-public-key';
import { signDeviceRequest } from './device-request-signer';
import { DeviceRequestAuthenticator } from './device-request-authenticator';
import { NonceStoreUnavailableError } from './nonce-store-unavailable.error';

class InMemoryNonceStore implements NonceStore {
  private readonly expiresAt = new Map<string, number>();
  constructor(private readonly clock: () => number) {}
  async claim(deviceId: string, nonce: string, ttlMs: number): Promise<boolean> {
    const key = `${deviceId}:${nonce}`;
    if ((this.expiresAt.get(key) ?? -Infinity) > this.clock()) return false;
    this.expiresAt.set(key, this.clock() + ttlMs);
    return true;
  }
}

const NOW = 1_795_392_000_000;
const es256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed25519 = generateKeyPairSync('ed25519');
const privateEs256 = es256.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
const privateEd25519 = ed25519.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;

const device = (deviceId: string, publicJwk: unknown, status: 'active' | 'revoked' = 'active'): DeviceKeyRecord => ({
  deviceId,
  userId: `user-of-${deviceId}`,
  workspaceId: 'ws-1',
  status,
  publicJwk,
});

const devices = new Map<string, DeviceKeyRecord>([
  ['phone-ec', device('phone-ec', es256.publicKey.export({ format: 'jwk' }))],
  ['phone-ed', device('phone-ed', ed25519.publicKey.export({ format: 'jwk' }))],
  ['phone-revoked', device('phone-revoked', es256.publicKey.export({ format: 'jwk' }), 'revoked')],
]);
const resolver: DeviceKeyResolver = { resolve: async (deviceId) => devices.get(deviceId) ?? null };

let now: number;
let authenticator: DeviceRequestAuthenticator;
beforeEach(() => {
  now = NOW;
  const clock = () => now;
  authenticator = new DeviceRequestAuthenticator({ clock, nonceStore: new InMemoryNonceStore(clock), devices: resolver });
});

function signedRequest(options: { deviceId?: string; key?: Record<string, unknown>; timestampMs?: number; nonce?: string; body?: string } = {}): DeviceRequest {
  const body = options.body ?? '{"decision":"approve"}';
  const pathWithQuery = '/v1/device/challenges/c-1/response?x=1';
  const headers = signDeviceRequest(options.key ?? privateEs256, {
    method: 'POST',
    pathWithQuery,
    body,
    deviceId: options.deviceId ?? 'phone-ec',
    timestampMs: options.timestampMs ?? NOW,
    nonce: options.nonce,
  });
  return { method: 'POST', pathWithQuery, headers: { ...headers }, rawBody: Buffer.from(body) };
}

function withHeaders(request: DeviceRequest, changes: Record<string, string | undefined>): DeviceRequest {
  return { ...request, headers: { ...request.headers, ...changes } };
}

async function refusal(attempt: Promise<unknown>): Promise<DeviceAuthFailureReason> {
  const error = await attempt.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DeviceAuthError)) throw new Error(`expected a DeviceAuthError, got ${String(error)}`);
  expect(error.code).toBe('unauthorized');
  expect(error.status).toBe(401);
  return error.reason;
}

describe('DeviceRequestAuthenticator.authenticate', () => {
  it('returns the identity of an ES256 device', async () => {
    await expect(authenticator.authenticate(signedRequest())).resolves.toEqual({ deviceId: 'phone-ec', userId: 'user-of-phone-ec', workspaceId: 'ws-1' });
  });

  it('returns the identity of an EdDSA device', async () => {
    const identity = await authenticator.authenticate(signedRequest({ deviceId: 'phone-ed', key: privateEd25519 }));
    expect(identity.deviceId).toBe('phone-ed');
  });

  it('reads node-style lower-case header names', async () => {
    const request = signedRequest();
    const lowerCased = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
    await expect(authenticator.authenticate({ ...request, headers: lowerCased })).resolves.toMatchObject({ deviceId: 'phone-ec' });
  });

  it.each(['X-Device-Id', 'X-Timestamp', 'X-Nonce', 'X-Signature'])('refuses a request without %s', async (header) => {
    expect(await refusal(authenticator.authenticate(withHeaders(signedRequest(), { [header]: undefined })))).toBe('missing_headers');
  });

  it.each(['abc', '-1795392000000', '1795392000000.5', '01795392000000', '1e12', '99999999999999999'])('refuses the timestamp %s', async (timestamp) => {
    expect(await refusal(authenticator.authenticate(withHeaders(signedRequest(), { 'X-Timestamp': timestamp })))).toBe('bad_timestamp');
  });

  it.each([120_000, -120_000])('accepts a timestamp exactly %i ms from the server clock', async (offsetMs) => {
    now = NOW + offsetMs;
    await expect(authenticator.authenticate(signedRequest())).resolves.toMatchObject({ deviceId: 'phone-ec' });
  });

  it.each([120_001, -120_001])('refuses a timestamp %i ms from the server clock', async (offsetMs) => {
    now = NOW + offsetMs;
    expect(await refusal(authenticator.authenticate(signedRequest()))).toBe('clock_skew');
  });

  it.each(['a'.repeat(16), 'Z'.repeat(64), 'aB0_-'.repeat(4)])('accepts the nonce %s', async (nonce) => {
    await expect(authenticator.authenticate(signedRequest({ nonce }))).resolves.toMatchObject({ deviceId: 'phone-ec' });
  });

  it.each(['a'.repeat(15), 'a'.repeat(65), `${'a'.repeat(16)}.`, `${'a'.repeat(16)}:`, `${'a'.repeat(16)}=`])('refuses the nonce %s', async (nonce) => {
    expect(await refusal(authenticator.authenticate(signedRequest({ nonce })))).toBe('bad_nonce');
  });

  it("imports a record's key once, however many requests the record serves", async () => {
    const jwk = es256.publicKey.export({ format: 'jwk' });
    let reads = 0;
    const counted = { ...device('phone-counted', jwk) };
    Object.defineProperty(counted, 'publicJwk', {
      get: () => {
        reads += 1;
        return jwk;
      },
    });
    let current: DeviceKeyRecord = counted;
    const authenticating = new DeviceRequestAuthenticator({
      clock: () => now,
      nonceStore: new InMemoryNonceStore(() => now),
      devices: { resolve: async () => current },
    });
    const request = (nonce: string) => signedRequest({ deviceId: 'phone-counted', nonce });
    for (let i = 0; i < 3; i++)
      await expect(authenticating.authenticate(request(`counted-nonce-${i}-0000000`))).resolves.toMatchObject({ deviceId: 'phone-counted' });
    expect(reads).toBe(1);
    // A record read anew (the view moved) is imported anew: a key changed since is the one checked.
    current = device('phone-counted', generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }));
    expect(await refusal(authenticating.authenticate(request('counted-nonce-x-0000000')))).toBe('bad_signature');
  });

  it('refuses a device the registry does not know', async () => {
    expect(await refusal(authenticator.authenticate(signedRequest({ deviceId: 'phone-unknown' })))).toBe('unknown_device');
  });

  it('refuses a malformed device id', async () => {
    expect(await refusal(authenticator.authenticate(signedRequest({ deviceId: 'phone:ec' })))).toBe('unknown_device');
  });

  it('refuses a revoked device even with a good signature', async () => {
    expect(await refusal(authenticator.authenticate(signedRequest({ deviceId: 'phone-revoked' })))).toBe('revoked_device');
  });

  it('refuses a body changed after signing', async () => {
    const request = signedRequest();
    expect(await refusal(authenticator.authenticate({ ...request, rawBody: Buffer.from('{"decision":"deny"}') }))).toBe('bad_signature');
  });

  it('refuses a path or method changed after signing', async () => {
    const request = signedRequest();
    expect(await refusal(authenticator.authenticate({ ...request, pathWithQuery: '/v1/device/challenges/c-2/response?x=1' }))).toBe('bad_signature');
    expect(await refusal(authenticator.authenticate({ ...request, method: 'PUT' }))).toBe('bad_signature');
  });

  it('refuses a signature made by another device key', async () => {
    expect(await refusal(authenticator.authenticate(signedRequest({ key: privateEd25519 })))).toBe('bad_signature');
  });

  it.each(['garbage!', 'AAAA', 'A'.repeat(87), `${'A'.repeat(86)}==`])('refuses the malformed signature %s', async (signature) => {
    expect(await refusal(authenticator.authenticate(withHeaders(signedRequest(), { 'X-Signature': signature })))).toBe('bad_signature');
  });

  it('refuses a nonce replayed within ten minutes', async () => {
    const request = signedRequest();
    await authenticator.authenticate(request);
    expect(await refusal(authenticator.authenticate(request))).toBe('replayed_nonce');
  });

  it('refuses a replay re-signed with a fresh timestamp but the same nonce', async () => {
    await authenticator.authenticate(signedRequest({ nonce: 'fixed-nonce-0000000' }));
    now = NOW + 60_000;
    expect(await refusal(authenticator.authenticate(signedRequest({ nonce: 'fixed-nonce-0000000', timestampMs: now })))).toBe('replayed_nonce');
  });

  it('does not burn the nonce when the signature is bad', async () => {
    const request = signedRequest();
    expect(await refusal(authenticator.authenticate({ ...request, rawBody: 'tampered' }))).toBe('bad_signature');
    await expect(authenticator.authenticate(request)).resolves.toMatchObject({ deviceId: 'phone-ec' });
  });

  it('keeps each device nonces apart', async () => {
    await authenticator.authenticate(signedRequest({ nonce: 'shared-nonce-000000' }));
    await expect(authenticator.authenticate(signedRequest({ deviceId: 'phone-ed', key: privateEd25519, nonce: 'shared-nonce-000000' }))).resolves.toMatchObject(
      { deviceId: 'phone-ed' },
    );
  });

  it('checks the clock before the device', async () => {
    now = NOW + 500_000;
    expect(await refusal(authenticator.authenticate(signedRequest({ deviceId: 'phone-revoked' })))).toBe('clock_skew');
  });

  it('reports a down nonce store as unavailable, never as a valid request', async () => {
    const failing: NonceStore = {
      claim: async () => {
        throw new NonceStoreUnavailableError('down');
      },
    };
    const withFailingStore = new DeviceRequestAuthenticator({ clock: () => NOW, nonceStore: failing, devices: resolver });
    await expect(withFailingStore.authenticate(signedRequest())).rejects.toMatchObject({ code: 'unavailable' });
  });
});

describe('DeviceRequestAuthenticator.authenticate with the last resolved record', () => {
  const ecRecord = devices.get('phone-ec')!;
  const edKey = ed25519.publicKey.export({ format: 'jwk' });

  /** A resolver that keeps `last` as the record last resolved, and answers `resolve` only when `release` is called. */
  function heldResolver(last: DeviceKeyRecord | undefined, now: DeviceKeyRecord | null) {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const resolver: DeviceKeyResolver = {
      resolve: async () => {
        await released;
        return now;
      },
      lastResolved: () => last,
    };
    return { resolver, release };
  }

  function withResolver(resolver: DeviceKeyResolver, claims: string[] = []) {
    const store = new InMemoryNonceStore(() => NOW);
    const nonceStore: NonceStore = {
      claim: async (deviceId, nonce, ttlMs) => {
        claims.push(nonce);
        return store.claim(deviceId, nonce, ttlMs);
      },
    };
    return new DeviceRequestAuthenticator({ clock: () => NOW, nonceStore, devices: resolver });
  }

  it('claims the nonce while the device is shown current, when the request verifies against the key last resolved', async () => {
    const { resolver, release } = heldResolver(ecRecord, ecRecord);
    const claims: string[] = [];
    const request = signedRequest({ nonce: 'early-nonce-0000000' });
    const authenticated = withResolver(resolver, claims).authenticate(request);
    await new Promise((resolve) => setImmediate(resolve));
    expect(claims).toEqual(['early-nonce-0000000']);
    release();
    await expect(authenticated).resolves.toEqual({ deviceId: 'phone-ec', userId: 'user-of-phone-ec', workspaceId: 'ws-1' });
  });

  it('refuses a device revoked since it was last resolved', async () => {
    const { resolver, release } = heldResolver(ecRecord, { ...ecRecord, status: 'revoked' });
    release();
    expect(await refusal(withResolver(resolver).authenticate(signedRequest()))).toBe('revoked_device');
  });

  it('refuses a device gone since it was last resolved', async () => {
    const { resolver, release } = heldResolver(ecRecord, null);
    release();
    expect(await refusal(withResolver(resolver).authenticate(signedRequest()))).toBe('unknown_device');
  });

  it('checks the signature again against a key that changed since', async () => {
    const { resolver, release } = heldResolver(ecRecord, { ...ecRecord, publicJwk: edKey });
    release();
    expect(await refusal(withResolver(resolver).authenticate(signedRequest()))).toBe('bad_signature');
  });

  it('resolves first, claiming nothing before, when the request does not verify against the key last resolved', async () => {
    const { resolver, release } = heldResolver({ ...ecRecord, publicJwk: edKey }, ecRecord);
    const claims: string[] = [];
    const authenticated = withResolver(resolver, claims).authenticate(signedRequest({ nonce: 'late-nonce-00000000' }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(claims).toEqual([]);
    release();
    await expect(authenticated).resolves.toMatchObject({ deviceId: 'phone-ec' });
    expect(claims).toEqual(['late-nonce-00000000']);
  });

  it('does not burn the nonce of a tampered request, and refuses a replay', async () => {
    const { resolver, release } = heldResolver(ecRecord, ecRecord);
    release();
    const authenticator = withResolver(resolver);
    const request = signedRequest();
    expect(await refusal(authenticator.authenticate({ ...request, rawBody: 'tampered' }))).toBe('bad_signature');
    await expect(authenticator.authenticate(request)).resolves.toMatchObject({ deviceId: 'phone-ec' });
    expect(await refusal(authenticator.authenticate(request))).toBe('replayed_nonce');
  });

  it('ignores a last resolved record that is revoked or of another device', async () => {
    for (const last of [
      { ...ecRecord, status: 'revoked' as const },
      { ...ecRecord, deviceId: 'phone-other' },
    ]) {
      const { resolver, release } = heldResolver(last, ecRecord);
      const claims: string[] = [];
      const authenticated = withResolver(resolver, claims).authenticate(signedRequest());
      await new Promise((resolve) => setImmediate(resolve));
      expect(claims).toEqual([]);
      release();
      await expect(authenticated).resolves.toMatchObject({ deviceId: 'phone-ec' });
    }
  });
});

describe('DeviceRequestAuthenticator.verifyProofOfPossession', () => {
  const submittedKey = importDevicePublicKey(es256.publicKey.export({ format: 'jwk' }));

  function registration(key = privateEs256): DeviceRequest {
    const request = signedRequest({ key });
    const { 'X-Device-Id': _omitted, ...headers } = request.headers as Record<string, string>;
    return { ...request, headers };
  }

  it('accepts a registration signed by the submitted key without X-Device-Id', async () => {
    await expect(authenticator.verifyProofOfPossession(submittedKey, registration())).resolves.toBeUndefined();
  });

  it('refuses a registration signed by another key', async () => {
    expect(await refusal(authenticator.verifyProofOfPossession(submittedKey, registration(privateEd25519)))).toBe('bad_signature');
  });

  it('refuses a replayed registration', async () => {
    const request = registration();
    await authenticator.verifyProofOfPossession(submittedKey, request);
    expect(await refusal(authenticator.verifyProofOfPossession(submittedKey, request))).toBe('replayed_nonce');
  });

  it('refuses a registration outside the time window', async () => {
    now = NOW + 120_001;
    expect(await refusal(authenticator.verifyProofOfPossession(submittedKey, registration()))).toBe('clock_skew');
  });

  it('refuses a registration without a nonce', async () => {
    expect(await refusal(authenticator.verifyProofOfPossession(submittedKey, withHeaders(registration(), { 'X-Nonce': undefined })))).toBe('missing_headers');
  });
});
