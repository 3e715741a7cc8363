import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import type { DeviceKeyResolver, NonceStore } from '../device-auth.ports';
import { NonceStoreUnavailableError } from '../nonce-store-unavailable.error';
import { signDeviceRequest } from '../device-request-signer';
import { DeviceRequestAuthenticator } from '../device-request-authenticator';
import { DeviceSignatureGuard, type DeviceSignedRequest } from './device-signature.guard';

const NOW = 1_795_392_000_000;
const keys = generateKeyPairSync('ed25519');
const usedNonces = new Set<string>();
const nonceStore: NonceStore = { claim: async (deviceId, nonce) => !usedNonces.has(`${deviceId}:${nonce}`) && Boolean(usedNonces.add(`${deviceId}:${nonce}`)) };
const devices: DeviceKeyResolver = {
  resolve: async (deviceId) => ({ deviceId, userId: 'user-1', workspaceId: 'ws-1', status: 'active', publicJwk: keys.publicKey.export({ format: 'jwk' }) }),
};
const authenticator = new DeviceRequestAuthenticator({ clock: () => NOW, nonceStore, devices });
const guard = new DeviceSignatureGuard(authenticator);

function contextFor(request: DeviceSignedRequest): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

function signedRequest(body: string): DeviceSignedRequest {
  const url = '/v1/device/push-token?v=1';
  const headers = signDeviceRequest(keys.privateKey.export({ format: 'jwk' }) as Record<string, unknown>, {
    method: 'PUT',
    pathWithQuery: url,
    body,
    deviceId: 'phone-1',
    timestampMs: NOW,
  });
  const lowerCased = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return { method: 'PUT', url, headers: lowerCased, rawBody: Buffer.from(body) };
}

describe('DeviceSignatureGuard', () => {
  it('attaches the device to a signed request', async () => {
    const request = signedRequest('{"pushToken":"abc"}');
    await expect(guard.canActivate(contextFor(request))).resolves.toBe(true);
    expect(request.device).toEqual({ deviceId: 'phone-1', userId: 'user-1', workspaceId: 'ws-1' });
  });

  it('answers 401 when the raw body differs from the signed one', async () => {
    const request = { ...signedRequest('{"pushToken":"abc"}'), rawBody: Buffer.from('{"pushToken":"xyz"}') };
    const error = await guard.canActivate(contextFor(request)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnauthorizedException);
    expect((error as UnauthorizedException).getStatus()).toBe(401);
    expect((error as UnauthorizedException).cause).toMatchObject({ reason: 'bad_signature' });
    expect(request.device).toBeUndefined();
  });

  it('lets a down nonce store through as an unavailable error', async () => {
    const downStore: NonceStore = {
      claim: async () => {
        throw new NonceStoreUnavailableError('down');
      },
    };
    const withDownStore = new DeviceSignatureGuard(new DeviceRequestAuthenticator({ clock: () => NOW, nonceStore: downStore, devices }));
    await expect(withDownStore.canActivate(contextFor(signedRequest('{}')))).rejects.toMatchObject({ code: 'unavailable' });
  });
});
