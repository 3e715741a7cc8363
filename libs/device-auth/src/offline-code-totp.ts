import { createHmac, randomBytes } from 'node:crypto';

/**
 * The app's offline code: TOTP (RFC 6238) over HOTP (RFC 4226) with HMAC-SHA-1, 6 digits, 30-second steps, so any
 * authenticator app reads the same secret. Written on node:crypto (one HMAC and the dynamic truncation): the four
 * services and the simulator share it without another dependency, and the RFC's test vectors pin it down.
 */
export const OFFLINE_CODE_DIGITS = 6;
export const OFFLINE_CODE_PERIOD_SECONDS = 30;
export const OFFLINE_CODE_ALGORITHM = 'SHA1';
/** Steps accepted either side of the server's current one (clock drift and the time it takes to type). */
export const OFFLINE_CODE_WINDOW_STEPS = 1;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A new 160-bit secret (RFC 4226 recommends the HMAC's output length). */
export function generateOfflineCodeSecret(): Buffer {
  return randomBytes(20);
}

/** RFC 4648 base32, unpadded: the form authenticator apps take. */
export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/=+$/, '').replace(/\s+/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error('not base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The time step of a moment (Unix seconds / 30). */
export function offlineCodeStepAt(atMs: number, periodSeconds = OFFLINE_CODE_PERIOD_SECONDS): number {
  return Math.floor(atMs / 1000 / periodSeconds);
}

/** HOTP value of `secret` at counter `step`, `digits` long. */
export function offlineCodeAtStep(secret: Uint8Array, step: number, digits = OFFLINE_CODE_DIGITS): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The code an app shows at `atMs`. */
export function offlineCodeAt(secret: Uint8Array, atMs: number): string {
  return offlineCodeAtStep(secret, offlineCodeStepAt(atMs));
}

/**
 * The step whose code `code` is, within ±`window` steps of `atMs` (the nearest first), or null. Compared in constant
 * time per candidate.
 */
export function matchOfflineCode(secret: Uint8Array, code: string, atMs: number, window = OFFLINE_CODE_WINDOW_STEPS): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const now = offlineCodeStepAt(atMs);
  const candidates = [now];
  for (let d = 1; d <= window; d++) candidates.push(now - d, now + d);
  let matched: number | null = null;
  for (const step of candidates) {
    const expected = Buffer.from(offlineCodeAtStep(secret, step));
    const given = Buffer.from(code);
    let diff = 0;
    for (let i = 0; i < expected.length; i++) diff |= expected[i]! ^ given[i]!;
    if (diff === 0 && matched === null) matched = step;
  }
  return matched;
}

/** `otpauth://totp/...` for an authenticator app's QR code (Key Uri Format). */
export function offlineCodeUri(secretBase32: string, issuer: string, account: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({
    secret: secretBase32,
    issuer,
    algorithm: OFFLINE_CODE_ALGORITHM,
    digits: String(OFFLINE_CODE_DIGITS),
    period: String(OFFLINE_CODE_PERIOD_SECONDS),
  });
  return `otpauth://totp/${label}?${query.toString()}`;
}
