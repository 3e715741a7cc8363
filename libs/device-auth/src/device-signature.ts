import { createPrivateKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64urlStrict } from './base64url';
import type { DevicePublicKey } from './device-public-key';

/** Both ES256 (r||s) and Ed25519 signatures are 64 bytes. */
const SIGNATURE_BYTES = 64;

function signatureOptions(key: KeyObject): { key: KeyObject; dsaEncoding?: 'ieee-p1363' } {
  return key.asymmetricKeyType === 'ec' ? { key, dsaEncoding: 'ieee-p1363' } : { key };
}

function digestFor(key: KeyObject): string | null {
  // Ed25519 hashes internally, so node wants no digest name for it.
  return key.asymmetricKeyType === 'ec' ? 'sha256' : null;
}

/** Never throws: a malformed or wrong-length signature is simply not valid. */
export function verifyDeviceSignature(publicKey: DevicePublicKey, signedText: string, signatureB64url: string): boolean {
  if (typeof signatureB64url !== 'string') return false;
  const signature = decodeBase64urlStrict(signatureB64url);
  if (!signature || signature.length !== SIGNATURE_BYTES) return false;
  try {
    const data = Buffer.from(signedText, 'utf8');
    return verify(digestFor(publicKey.keyObject), data, signatureOptions(publicKey.keyObject), signature);
  } catch {
    return false;
  }
}

/** Signs with a private JWK (EC P-256 or OKP Ed25519); used by the device simulator and tests. */
export function signText(privateJwk: Record<string, unknown>, signedText: string): string {
  const key = createPrivateKey({ key: privateJwk as never, format: 'jwk' });
  return sign(digestFor(key), Buffer.from(signedText, 'utf8'), signatureOptions(key)).toString('base64url');
}

/** 16 random bytes: 22 characters of [A-Za-z0-9_-]. */
export function randomNonce(): string {
  return randomBytes(16).toString('base64url');
}
