import { describe, expect, it } from '@jest/globals';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import smallOrder from '../test/fixtures/ed25519-small-order.json';
import { importDevicePublicKey, jwkThumbprint } from './device-public-key';
import { InvalidDeviceKeyError } from './invalid-device-key.error';

const P256 = { kty: 'EC', crv: 'P-256', x: 'PtefxEXYKxriezI6C-7YdO9GC7PJ6J_IL32BSOv8APQ', y: 'FQJ_TewaYsW9kNzNA6370RFzyS-5OCnenHmaFogd2dw' };
const ED25519 = { kty: 'OKP', crv: 'Ed25519', x: 'jNU3b2EsxxotrWTYOEO1HY7bbBlKa8VxMUtb5LEUjjk' };

function rejectionOf(jwk: unknown): InvalidDeviceKeyError {
  try {
    importDevicePublicKey(jwk);
  } catch (error) {
    if (error instanceof InvalidDeviceKeyError) return error;
    throw error;
  }
  throw new Error('the key was accepted');
}

describe('importDevicePublicKey', () => {
  it('accepts EC P-256 as ES256 and keeps only the public members', () => {
    const key = importDevicePublicKey({ ...P256, kid: 'phone', use: 'sig', alg: 'ES256' });
    expect(key.alg).toBe('ES256');
    expect(key.jwk).toEqual(P256);
    expect(key.keyObject.type).toBe('public');
    expect(key.keyObject.asymmetricKeyType).toBe('ec');
  });

  it('accepts OKP Ed25519 as EdDSA', () => {
    const key = importDevicePublicKey(ED25519);
    expect(key.alg).toBe('EdDSA');
    expect(key.jwk).toEqual(ED25519);
    expect(key.keyObject.asymmetricKeyType).toBe('ed25519');
  });

  it('computes the RFC 7638 thumbprint (RFC 8037 appendix A.3 example)', () => {
    expect(jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' })).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('gives the same thumbprint whatever the member order or extra members', () => {
    const reordered = { y: P256.y, x: P256.x, crv: 'P-256', kty: 'EC', kid: 'other' };
    expect(importDevicePublicKey(reordered).thumbprint).toBe(importDevicePublicKey(P256).thumbprint);
  });

  it('refuses RSA', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    expect(rejectionOf(rsa).field).toBe('kty');
  });

  it('refuses P-384', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' });
    expect(rejectionOf(p384).field).toBe('crv');
  });

  it('refuses X25519 and other OKP curves', () => {
    expect(rejectionOf({ ...ED25519, crv: 'X25519' }).field).toBe('crv');
  });

  it.each([
    ['EC', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' })],
    ['OKP', generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' })],
  ])('refuses a %s key with its private part', (_kty, privateJwk) => {
    const error = rejectionOf(privateJwk);
    expect(error.field).toBe('d');
    expect(error.message).not.toContain(String(privateJwk.d));
  });

  it.each([
    ['null', null, 'key'],
    ['a string', 'not a key', 'key'],
    ['an array', [P256], 'key'],
    ['an empty object', {}, 'kty'],
    ['x too short', { ...P256, x: P256.x.slice(0, 42) }, 'x'],
    ['y missing', { kty: 'EC', crv: 'P-256', x: P256.x }, 'y'],
    ['x not base64url', { ...P256, x: `${P256.x.slice(0, 42)}+` }, 'x'],
    ['x padded', { ...ED25519, x: `${ED25519.x}=` }, 'x'],
    ['x a number', { ...ED25519, x: 42 }, 'x'],
    ['a mismatched alg', { ...P256, alg: 'RS256' }, 'alg'],
    ['EdDSA alg on an EC key', { ...P256, alg: 'EdDSA' }, 'alg'],
  ])('refuses %s', (_label, jwk, field) => {
    expect(rejectionOf(jwk).field).toBe(field);
  });

  it('refuses a P-256 point that is not on the curve', () => {
    const offCurveY = Buffer.from(P256.y, 'base64url');
    offCurveY[31] = offCurveY[31]! ^ 1;
    const error = rejectionOf({ ...P256, y: offCurveY.toString('base64url') });
    expect(error.field).toBe('key');
    expect(error.code).toBe('validation_failed');
  });

  it('refuses coordinates at or above the field prime', () => {
    expect(rejectionOf({ ...P256, x: Buffer.alloc(32, 0xff).toString('base64url') }).field).toBe('key');
  });

  it('refuses the identity key before any verification, whatever the crypto library makes of it', () => {
    // With the identity as key, whether a signature verifies does not depend on the message: OpenSSL 3.0 (Node 20)
    // accepts one fixed signature for every message, OpenSSL 3.5 (Node 24) none. The registry must not depend on which.
    const identity = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: smallOrder.smallOrder[0]!.x }, format: 'jwk' });
    const fixed = Buffer.concat([Buffer.from(smallOrder.smallOrder[0]!.hex, 'hex'), Buffer.alloc(32)]);
    const verdicts = ['approve challenge A', 'approve challenge B'].map((message) => verify(null, Buffer.from(message), identity, fixed));
    expect(verdicts[0]).toBe(verdicts[1]);
    expect(rejectionOf({ kty: 'OKP', crv: 'Ed25519', x: smallOrder.smallOrder[0]!.x }).code).toBe('validation_failed');
  });

  it.each([...smallOrder.smallOrder, ...smallOrder.nonCanonical].map((point) => [point.what, point.hex, point.x]))(
    'refuses the Ed25519 point %s (%s)',
    (_what, _hex, x) => {
      const error = rejectionOf({ kty: 'OKP', crv: 'Ed25519', x });
      expect(error.field).toBe('x');
      expect(error.code).toBe('validation_failed');
    },
  );

  it('still accepts freshly generated Ed25519 keys', () => {
    for (let i = 0; i < 20; i++) expect(importDevicePublicKey(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' })).alg).toBe('EdDSA');
  });
});
