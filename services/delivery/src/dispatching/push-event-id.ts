import { createHash } from 'node:crypto';

// Fixed namespace for delivery event ids; changing it would change every id (and so break consumer dedupe).
const NAMESPACE = Buffer.from('6d1f4c1e8a2b4f7e9c3d5a6b7e8f9012', 'hex');

/**
 * A name-based (RFC 9562 version 5, SHA-1) UUID for the delivery event of one push attempt, so a
 * redelivered challenge event that causes the same push again produces the same envelope id.
 */
export function pushEventId(challengeId: string, deviceId: string, attempt: number, type: string): string {
  const name = JSON.stringify([challengeId, deviceId, attempt, type]);
  const bytes = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
