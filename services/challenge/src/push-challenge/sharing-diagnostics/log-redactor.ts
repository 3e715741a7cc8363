import { createHash, timingSafeEqual } from 'node:crypto';

/** What the redactor knows of the device that shares its logs: its push token's SHA-256 (hex), never the token itself. */
export interface RedactionContext {
  pushTokenSha256?: string | null;
}

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]+-----/;
const PEM_END = /-----END [A-Z0-9 ]+-----/;
const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g;
/** This product's API keys (libs/workspace-access): `pmk_adm_…` / `pmk_plt_…`, base64url. */
const API_KEY = /\bpmk_(?:adm|plt)_[A-Za-z0-9_-]+/g;
const WEBHOOK_SECRET = /\bwhsec_[A-Za-z0-9_-]+/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const JWT = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
/** `password=…`, `"secret": "…"`, `token: …`: the value after a secret-sounding name. */
const NAMED_SECRET = /\b([A-Za-z_-]*(?:password|passwd|secret|api[_-]?key|access[_-]?token|refresh[_-]?token|private[_-]?key)"?\s*[:=]\s*"?)([^\s",;&]+)/gi;
/** Runs long enough to be a token: push tokens (FCM `…:APA91…`, APNs hex) and anything of that shape. */
const TOKEN_LIKE = /[A-Za-z0-9_:.+/=-]{16,}/g;
const LONG_HEX = /\b[0-9a-fA-F]{32,}\b/g;
/** A base64/base64url run of 32+ characters with both letters and digits (so plain words and paths are kept). */
const LONG_BASE64 = /[A-Za-z0-9+/_-]{32,}={0,2}/g;

function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/** The device's own push token keeps its last 6 characters, so the help desk can match it; found by its hash. */
function redactPushToken(line: string, tokenSha256: string): string {
  return line.replace(TOKEN_LIKE, (run) => {
    if (sameHash(sha256Hex(run), tokenSha256)) return `[push token …${run.slice(-6)}]`;
    // The token may be glued to a separator the run allows (`token:abc…`, `…abc.`): try the run's parts too.
    return run.replace(/[A-Za-z0-9_:-]{16,}|[A-Za-z0-9_-]{16,}/g, (part) => {
      if (sameHash(sha256Hex(part), tokenSha256)) return `[push token …${part.slice(-6)}]`;
      for (const inner of part.split(':'))
        if (inner.length >= 16 && sameHash(sha256Hex(inner), tokenSha256)) return part.replace(inner, `[push token …${inner.slice(-6)}]`);
      return part;
    });
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function redactLongBase64(run: string): string {
  // Challenge and device ids are what the help desk looks for.
  if (UUID.test(run)) return run;
  const letters = /[A-Za-z]/.test(run);
  const digits = /[0-9]/.test(run);
  // A path or a long identifier of words (`com.example.app/SomeViewController`) has no digits mixed in.
  if (!(letters && digits)) return run;
  return '[redacted]';
}

/**
 * Control characters other than tab, newline and carriage return (NUL cannot be stored in PostgreSQL's jsonb) and the bidirectional
 * overrides that could make a line read otherwise on the admin page become U+FFFD.
 */
const UNSAFE_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** One line, with what the lines before it said: inside a PEM block that began on an earlier line everything goes. */
function redactLine(raw: string, context: RedactionContext, state: { inPem: boolean }): string {
  const line = raw.replace(UNSAFE_CHARACTERS, '\ufffd');
  if (state.inPem) {
    if (PEM_END.test(line)) {
      state.inPem = false;
      return line.replace(/^[\s\S]*?(-----END [A-Z0-9 ]+-----)/, '[redacted PEM block]');
    }
    return '[redacted PEM block]';
  }
  let out = line;
  if (PEM_BEGIN.test(out) && !/-----BEGIN [A-Z0-9 ]+-----[\s\S]*-----END [A-Z0-9 ]+-----/.test(out)) state.inPem = true;
  out = out.replace(PEM_BLOCK, '[redacted PEM block]');
  if (context.pushTokenSha256) out = redactPushToken(out, context.pushTokenSha256);
  out = out.replace(JWT, '[redacted JWT]');
  out = out.replace(API_KEY, (key) => `${key.slice(0, 8)}[redacted]`);
  out = out.replace(WEBHOOK_SECRET, 'whsec_[redacted]');
  out = out.replace(BEARER, (_match, scheme: string) => `${scheme} [redacted]`);
  out = out.replace(NAMED_SECRET, (_match, name: string) => `${name}[redacted]`);
  out = out.replace(LONG_HEX, '[redacted]');
  out = out.replace(LONG_BASE64, redactLongBase64);
  return out;
}

/**
 * Redacts app log lines on arrival, before they are published or stored: the device's push token beyond its last 6
 * characters, this product's API keys and webhook secrets, bearer and basic credentials, JWTs, PEM blocks (also
 * across lines), values named like secrets, and long hex or base64 runs; control and bidi-override characters become
 * U+FFFD. Pure; the line count stays the same.
 */
export function redactLogLines(lines: readonly string[], context: RedactionContext = {}): string[] {
  const state = { inPem: false };
  return lines.map((line) => redactLine(line, context, state));
}

export function pushTokenSha256(pushToken: string): string {
  return sha256Hex(pushToken);
}
