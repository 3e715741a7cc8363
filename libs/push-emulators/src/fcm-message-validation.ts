/** One field the real FCM v1 API would refuse, in google.rpc.BadRequest.FieldViolation form. */
export interface FieldViolation {
  field: string;
  description: string;
}

const MESSAGE_FIELDS = new Set(['name', 'data', 'notification', 'android', 'webpush', 'apns', 'fcm_options', 'token', 'topic', 'condition']);
const ANDROID_FIELDS = new Set([
  'collapse_key',
  'priority',
  'ttl',
  'restricted_package_name',
  'data',
  'notification',
  'fcm_options',
  'direct_boot_ok',
  'bandwidth_constrained_ok',
  'restricted_satellite_ok',
]);
const RESERVED_DATA_KEYS = new Set(['from', 'notification', 'message_type']);
const MAX_TTL_SECONDS = 28 * 24 * 60 * 60;
const MAX_DATA_BYTES = 4096;
const TTL_PATTERN = /^(\d+)(\.\d{1,9})?s$/;

/** Checks a `messages:send` body the way FCM v1 does for the parts pushmfa (and firebase-admin) produce. */
export function validateSendRequest(body: unknown): FieldViolation[] {
  if (!isObject(body)) return [{ field: '', description: 'request body must be a JSON object' }];
  const violations: FieldViolation[] = [];
  for (const key of Object.keys(body)) {
    if (key !== 'message' && key !== 'validate_only') violations.push({ field: key, description: `Unknown name "${key}"` });
  }
  const message = body.message;
  if (!isObject(message)) return [...violations, { field: 'message', description: 'message is required' }];
  for (const key of Object.keys(message)) {
    if (!MESSAGE_FIELDS.has(key)) violations.push({ field: `message.${key}`, description: `Unknown name "${key}"` });
  }
  const targets = ['token', 'topic', 'condition'].filter((key) => message[key] !== undefined);
  if (targets.length !== 1) {
    violations.push({ field: 'message', description: 'exactly one of token, topic or condition must be set' });
  }
  for (const target of targets) {
    if (typeof message[target] !== 'string' || message[target] === '') {
      violations.push({ field: `message.${target}`, description: `${target} must be a non-empty string` });
    }
  }
  violations.push(...validateDataMap(message.data, 'message.data'));
  if (message.android !== undefined) violations.push(...validateAndroid(message.android));
  return violations;
}

function validateAndroid(android: unknown): FieldViolation[] {
  if (!isObject(android)) return [{ field: 'message.android', description: 'android must be an object' }];
  const violations: FieldViolation[] = [];
  for (const key of Object.keys(android)) {
    if (!ANDROID_FIELDS.has(key)) violations.push({ field: `message.android.${key}`, description: `Unknown name "${key}"` });
  }
  const { priority, ttl, collapse_key: collapseKey } = android;
  if (priority !== undefined && (typeof priority !== 'string' || !['normal', 'high'].includes(priority.toLowerCase()))) {
    violations.push({ field: 'message.android.priority', description: 'priority must be "normal" or "high"' });
  }
  if (ttl !== undefined) {
    const match = typeof ttl === 'string' ? TTL_PATTERN.exec(ttl) : null;
    if (match === null) {
      violations.push({ field: 'message.android.ttl', description: 'ttl must be a duration such as "3.5s"' });
    } else if (Number(match[1]) > MAX_TTL_SECONDS) {
      violations.push({ field: 'message.android.ttl', description: 'ttl must be at most 4 weeks' });
    }
  }
  if (collapseKey !== undefined && typeof collapseKey !== 'string') {
    violations.push({ field: 'message.android.collapse_key', description: 'collapse_key must be a string' });
  }
  violations.push(...validateDataMap(android.data, 'message.android.data'));
  return violations;
}

function validateDataMap(data: unknown, field: string): FieldViolation[] {
  if (data === undefined) return [];
  if (!isObject(data)) return [{ field, description: 'data must be a map of strings' }];
  const violations: FieldViolation[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') violations.push({ field: `${field}.${key}`, description: 'data values must be strings' });
    if (RESERVED_DATA_KEYS.has(key) || key.startsWith('google') || key.startsWith('gcm')) {
      violations.push({ field: `${field}.${key}`, description: `"${key}" is a reserved data key` });
    }
  }
  if (Buffer.byteLength(JSON.stringify(data)) > MAX_DATA_BYTES) {
    violations.push({ field, description: `data payload exceeds ${MAX_DATA_BYTES} bytes` });
  }
  return violations;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
