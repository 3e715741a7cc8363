import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSignedText } from './signed-text';
import { importDevicePublicKey } from './device-public-key';
import { verifyDeviceSignature } from './device-signature';
import { signDeviceRequest } from './device-request-signer';

interface VectorKey {
  name: string;
  alg: string;
  publicJwk: Record<string, unknown>;
  privateJwk: Record<string, unknown>;
}
interface VectorCase {
  key: string;
  valid: boolean;
  why?: string;
  method: string;
  path: string;
  timestamp: number;
  nonce: string;
  body: string;
  signedText?: string;
  signature: string;
}

const vectors = JSON.parse(readFileSync(join(__dirname, '../test/fixtures/device-signature.json'), 'utf8')) as { keys: VectorKey[]; cases: VectorCase[] };

function keyNamed(name: string): VectorKey {
  const key = vectors.keys.find((candidate) => candidate.name === name);
  if (!key) throw new Error(`vector key ${name} missing from the fixture`);
  return key;
}

function signedTextOf(vector: VectorCase): string {
  return buildSignedText({ method: vector.method, pathWithQuery: vector.path, timestampMs: vector.timestamp, nonce: vector.nonce, body: vector.body });
}

describe('device signature vectors', () => {
  it('cover both key types, valid and tampered', () => {
    const algs = new Set(vectors.cases.map((vector) => keyNamed(vector.key).alg));
    expect([...algs].sort()).toEqual(['ES256', 'EdDSA']);
    expect(vectors.cases.some((vector) => vector.valid)).toBe(true);
    expect(vectors.cases.some((vector) => !vector.valid)).toBe(true);
  });

  it.each(vectors.keys.map((key) => [key.name, key] as const))('key %s imports with its algorithm', (_name, key) => {
    expect(importDevicePublicKey(key.publicJwk).alg).toBe(key.alg);
  });

  const valid = vectors.cases.filter((vector) => vector.valid);
  it.each(valid.map((vector) => [`${vector.key} ${vector.method} ${vector.path}`, vector] as const))(
    'valid %s: signed text matches and verifies',
    (_label, vector) => {
      const signedText = signedTextOf(vector);
      expect(signedText).toBe(vector.signedText);
      expect(verifyDeviceSignature(importDevicePublicKey(keyNamed(vector.key).publicJwk), signedText, vector.signature)).toBe(true);
    },
  );

  it.each(valid.map((vector) => [`${vector.key} ${vector.method} ${vector.path}`, vector] as const))(
    'valid %s: body given as bytes verifies too',
    (_label, vector) => {
      const signedText = buildSignedText({
        method: vector.method.toLowerCase(),
        pathWithQuery: vector.path,
        timestampMs: vector.timestamp,
        nonce: vector.nonce,
        body: Buffer.from(vector.body, 'utf8'),
      });
      expect(signedText).toBe(vector.signedText);
    },
  );

  const tampered = vectors.cases.filter((vector) => !vector.valid);
  it.each(tampered.map((vector) => [`${vector.key} ${vector.method} ${vector.path} (${vector.why})`, vector] as const))(
    'tampered %s: refused',
    (_label, vector) => {
      expect(verifyDeviceSignature(importDevicePublicKey(keyNamed(vector.key).publicJwk), signedTextOf(vector), vector.signature)).toBe(false);
    },
  );

  it.each(valid.map((vector) => [`${vector.key} ${vector.method} ${vector.path}`, vector] as const))(
    'valid %s: refused under the other key',
    (_label, vector) => {
      const otherKey = vectors.keys.find((key) => key.name !== vector.key)!;
      expect(verifyDeviceSignature(importDevicePublicKey(otherKey.publicJwk), signedTextOf(vector), vector.signature)).toBe(false);
    },
  );

  it.each(vectors.keys.map((key) => [key.name, key] as const))('signDeviceRequest with %s produces headers that verify', (_name, key) => {
    const request = {
      method: 'post',
      pathWithQuery: '/v1/device/push-token?x=1',
      body: '{"pushToken":"t"}',
      deviceId: 'device-1',
      timestampMs: 1_795_392_000_000,
    };
    const headers = signDeviceRequest(key.privateJwk, request);
    expect(headers['X-Device-Id']).toBe('device-1');
    expect(headers['X-Timestamp']).toBe('1795392000000');
    expect(headers['X-Nonce']).toMatch(/^[A-Za-z0-9_-]{22,64}$/);
    const signedText = buildSignedText({ ...request, nonce: headers['X-Nonce'] });
    expect(verifyDeviceSignature(importDevicePublicKey(key.publicJwk), signedText, headers['X-Signature'])).toBe(true);
  });
});
