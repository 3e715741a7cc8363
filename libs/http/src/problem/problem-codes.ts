/** The stable error codes of the public contract (API.md "Errors"), with their HTTP status and title. */
export const PROBLEM_CODES = {
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  validation_failed: { status: 400, title: 'Validation failed' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  push_disabled: { status: 403, title: 'Push is disabled for this workspace' },
  method_not_allowed: { status: 403, title: "Push is not a method of the user's pool for this factor" },
  user_verification_required: { status: 403, title: 'The app must verify the user (biometric or PIN) to approve' },
  no_active_device: { status: 409, title: 'The user has no active device' },
  rate_limited: { status: 429, title: 'Too many requests' },
  push_locked: { status: 423, title: 'Push is locked for this user' },
  challenge_not_pending: { status: 409, title: 'The challenge is no longer pending' },
  challenge_expired: { status: 410, title: 'The challenge has expired' },
  number_mismatch: { status: 422, title: 'The number did not match' },
  invalid_confirmation_code: { status: 400, title: 'Invalid confirmation code' },
  pairing_expired: { status: 410, title: 'The pairing has expired' },
  pairing_failed: { status: 409, title: 'The pairing has failed' },
  idempotency_conflict: { status: 409, title: 'Idempotency key reused with another request' },
  resend_limit_reached: { status: 409, title: 'Resend limit reached' },
  pool_in_use: { status: 409, title: 'Users are still in the pool' },
  pool_is_default: { status: 409, title: 'The default pool cannot be deleted' },
  pool_name_taken: { status: 409, title: 'Another pool has this name' },
  pool_limit_reached: { status: 409, title: 'The workspace has as many pools as it may' },
  device_revoked: { status: 409, title: 'The device is revoked' },
  push_token_invalid: { status: 409, title: 'The device has no valid push token' },
  offline_codes_disabled: { status: 403, title: 'Offline codes are turned off for this workspace' },
  invalid_offline_code: { status: 422, title: 'The offline code did not match' },
  offline_code_replayed: { status: 409, title: 'The offline code was used already' },
  offline_code_already_enrolled: { status: 409, title: 'The device has an offline code already' },
  unavailable: { status: 503, title: 'Service temporarily unavailable' },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

export const PROBLEM_TYPE_BASE = 'https://pushmfa.dev/problems/';

/** Seconds a client should wait before retrying, when the problem says nothing more precise. */
export const DEFAULT_RETRY_AFTER_SECONDS: Partial<Record<ProblemCode, number>> = {
  rate_limited: 60,
  unavailable: 5,
};

export function isProblemCode(value: unknown): value is ProblemCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PROBLEM_CODES, value);
}
