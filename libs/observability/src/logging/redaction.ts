/** Logs and span attributes never carry a secret (API.md): these rules decide what a field may show. */

export const REDACTED = '[Redacted]';

const SECRET_KEY_EXACT = new Set(['key', 'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-signature', 'signature']);
const SECRET_KEY_SUFFIXES = ['secret', 'password', 'passphrase', 'token', 'apikey', 'privatekey', 'api-key', 'private-key'];
const MAX_DEPTH = 8;

/** Push tokens travel in registry events, but a log or a trace shows at most their last 6 characters. */
export function maskPushToken(pushToken: unknown): string {
  if (typeof pushToken !== 'string' || pushToken.length === 0) return REDACTED;
  if (pushToken.length <= 6) return '…';
  return `…${pushToken.slice(-6)}`;
}

export function isPushTokenKey(key: string): boolean {
  return key.toLowerCase() === 'pushtoken';
}

export function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  if (isPushTokenKey(lower)) return false;
  if (SECRET_KEY_EXACT.has(lower)) return true;
  return SECRET_KEY_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Returns a copy of plain objects and arrays with secret fields replaced and push tokens masked.
 * Other objects (errors, requests) are left to their pino serializers.
 */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => redactSecrets(item, depth + 1)) as T;
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (isPushTokenKey(key)) copy[key] = maskPushToken(field);
    else if (isSecretKey(key)) copy[key] = REDACTED;
    else copy[key] = redactSecrets(field, depth + 1);
  }
  return copy as T;
}

/** Headers as a log may show them: credentials and signatures replaced. */
export function sanitizeHeaders(headers: Record<string, unknown> | undefined): Record<string, unknown> {
  const safe: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    safe[name] = isSecretKey(name) ? REDACTED : value;
  }
  return safe;
}
