import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type ApiKeyRole = 'platform' | 'admin';

/** A new workspace API key: 32 random bytes, base64url, with a prefix naming the role for humans and scanners. */
export function generateApiKey(role: ApiKeyRole): string {
  return `pmk_${role === 'admin' ? 'adm' : 'plt'}_${randomBytes(32).toString('base64url')}`;
}

/** SHA-256 hex: the only form in which a key is stored or published. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests of equal length. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/** Reads `Authorization: Bearer <token>`; undefined when absent or malformed. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer ([\x21-\x7e]{1,512})$/.exec(value) : null;
  return match?.[1];
}
