import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { decodeBase64urlStrict } from './base64url';
import { InvalidDeviceKeyError, type DeviceKeyField } from './invalid-device-key.error';
import { weakEd25519PointReason } from './ed25519-point';
import { isOnP256Curve } from './p256-curve';

export type DeviceSignatureAlg = 'ES256' | 'EdDSA';

export type DevicePublicJwk = { kty: 'EC'; crv: 'P-256'; x: string; y: string } | { kty: 'OKP'; crv: 'Ed25519'; x: string };

export interface DevicePublicKey {
  alg: DeviceSignatureAlg;
  /** Only the public members, in a fixed shape, so what the registry stores never carries extras. */
  jwk: DevicePublicJwk;
  keyObject: KeyObject;
  /** RFC 7638 thumbprint: base64url SHA-256 of the required members in lexicographic order. */
  thumbprint: string;
}

const COORDINATE_BYTES = 32;

function refuse(field: DeviceKeyField, reason: string): never {
  throw new InvalidDeviceKeyError(field, reason);
}

function readCoordinate(jwk: Record<string, unknown>, field: 'x' | 'y'): string {
  const value = jwk[field];
  if (typeof value !== 'string') refuse(field, `${field} must be a base64url string`);
  const bytes = decodeBase64urlStrict(value);
  if (!bytes || bytes.length !== COORDINATE_BYTES) refuse(field, `${field} must be ${COORDINATE_BYTES} bytes of unpadded base64url`);
  return value;
}

function checkAlg(jwk: Record<string, unknown>, expected: DeviceSignatureAlg): void {
  if (jwk.alg !== undefined && jwk.alg !== expected) refuse('alg', `alg must be ${expected} for this key type`);
}

function toPublicJwk(jwk: Record<string, unknown>): DevicePublicJwk {
  if (jwk.d !== undefined) refuse('d', 'a private key was sent; send only the public key');
  if (jwk.kty === 'EC') {
    if (jwk.crv !== 'P-256') refuse('crv', 'only the P-256 curve is accepted for EC keys');
    checkAlg(jwk, 'ES256');
    const x = readCoordinate(jwk, 'x');
    const y = readCoordinate(jwk, 'y');
    if (!isOnP256Curve(Buffer.from(x, 'base64url'), Buffer.from(y, 'base64url'))) refuse('key', 'the point is not on the P-256 curve');
    return { kty: 'EC', crv: 'P-256', x, y };
  }
  if (jwk.kty === 'OKP') {
    if (jwk.crv !== 'Ed25519') refuse('crv', 'only the Ed25519 curve is accepted for OKP keys');
    checkAlg(jwk, 'EdDSA');
    const x = readCoordinate(jwk, 'x');
    const weak = weakEd25519PointReason(Buffer.from(x, 'base64url'));
    if (weak) refuse('x', weak);
    return { kty: 'OKP', crv: 'Ed25519', x };
  }
  return refuse('kty', 'kty must be EC (P-256) or OKP (Ed25519)');
}

export function jwkThumbprint(jwk: DevicePublicJwk): string {
  // Members in lexicographic order, no whitespace (RFC 7638 section 3.2; RFC 8037 for OKP).
  const canonical =
    jwk.kty === 'EC' ? JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }) : JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** Accepts only EC P-256 and OKP Ed25519 public JWKs; anything else throws InvalidDeviceKeyError. */
export function importDevicePublicKey(input: unknown): DevicePublicKey {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) refuse('key', 'the public key must be a JWK object');
  const jwk = toPublicJwk(input as Record<string, unknown>);
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    return refuse('key', 'the key could not be imported');
  }
  return { alg: jwk.kty === 'EC' ? 'ES256' : 'EdDSA', jwk, keyObject, thumbprint: jwkThumbprint(jwk) };
}
