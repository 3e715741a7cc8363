import { generateKeyPairSync } from 'node:crypto';
import type { KeyAlgorithm } from './cli-arguments';

export interface DeviceKeyPair {
  privateJwk: Record<string, unknown>;
  publicJwk: Record<string, unknown>;
}

/** A fresh key pair per pairing, as a real authenticator app makes in its secure enclave. */
export function generateDeviceKeyPair(algorithm: KeyAlgorithm): DeviceKeyPair {
  const { privateKey, publicKey } = algorithm === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return {
    privateJwk: privateKey.export({ format: 'jwk' }) as Record<string, unknown>,
    publicJwk: publicKey.export({ format: 'jwk' }) as Record<string, unknown>,
  };
}
