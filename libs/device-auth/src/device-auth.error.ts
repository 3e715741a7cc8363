export type DeviceAuthFailureReason =
  'missing_headers' | 'bad_timestamp' | 'clock_skew' | 'bad_nonce' | 'unknown_device' | 'revoked_device' | 'bad_signature' | 'replayed_nonce';

/**
 * Every reason answers 401 `unauthorized`: the caller must not tell an attacker which check failed,
 * so `reason` is for logs and metrics only.
 */
export class DeviceAuthError extends Error {
  readonly code = 'unauthorized' as const;
  readonly status = 401;

  constructor(readonly reason: DeviceAuthFailureReason) {
    super(`device request refused: ${reason}`);
    this.name = 'DeviceAuthError';
  }
}
