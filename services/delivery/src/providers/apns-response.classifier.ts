import type { ResponseFailure } from '@parse/node-apn';
import type { PushResult } from './push-provider.port';

type FailedPushResult = Exclude<PushResult, { outcome: 'accepted' } | { outcome: 'timeout' }>;

/** Reasons that say this device token will never work again (a misconfigured topic is ours, not the token's). */
const DEAD_TOKEN_REASONS = new Set(['BadDeviceToken', 'Unregistered']);

/**
 * Maps one node-apn failure to what delivery should do. node-apn reports an HTTP answer as `status` plus
 * `response.reason`, and a connection failure or its own request timeout as `error` with no numeric status.
 */
export function classifyApnsFailure(failure: ResponseFailure | undefined): FailedPushResult {
  const status = failure?.status;
  const reason = failure?.response?.reason ?? failure?.error?.message ?? 'apns/unknown-failure';
  if (typeof status !== 'number') return { outcome: 'transient', reason };
  if (status === 410 || DEAD_TOKEN_REASONS.has(reason)) return { outcome: 'dead_token', reason };
  if (status === 429) return { outcome: 'rate_limited', reason };
  // node-apn turns ExpiredProviderToken into an error and signs a fresh token for the next request.
  if (status === 403) return reason === 'ExpiredProviderToken' ? { outcome: 'transient', reason } : { outcome: 'auth_error', reason };
  if (status >= 500) return { outcome: 'transient', reason };
  return { outcome: 'rejected', reason };
}
