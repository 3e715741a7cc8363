import type { PushResult } from '../providers/push-provider.port';
import { MAX_TRIES_PER_ROUND, retryDelayMs, retryFitsBeforeExpiry } from './delivery-retry-policy';

/** The delivery event a push's ending produces (its data beyond the common push fields). */
export type PushOutcomeEvent =
  | { type: 'PushDispatched'; providerMessageId: string; latencyMs: number }
  | { type: 'PushRejected'; reason: string }
  | { type: 'PushFailed'; reason: string }
  | { type: 'PushAttemptFailed'; reason: string; retryInMs: number };

export interface PushOutcomeDecision {
  event: PushOutcomeEvent;
  /** Present when another try is scheduled after this delay. */
  retryInMs?: number;
  /** The provider refused what we sent: a copy of the push goes to the dead-letter topic. */
  deadLetter?: boolean;
}

/** Where the push stands when the provider answers. */
export interface PushTryState {
  provider: 'fcm' | 'apns';
  tryNumber: number;
  /** An earlier try of this round was already rate limited (APNs gets one retry only). */
  rateLimitRetried: boolean;
}

const MAX_REASON_LENGTH = 200;
/** APNs' 429 is per device token and short-lived: one retry after this pause (or its Retry-After, if longer). */
export const APNS_RATE_LIMIT_PAUSE_MS = 1000;

/** Maps a provider's answer to the event to publish and whether to try again. Pure (random is passed in). */
export function decidePushOutcome(
  result: PushResult,
  state: PushTryState,
  nowMs: number,
  expiresAtMs: number,
  random: () => number = Math.random,
): PushOutcomeDecision {
  switch (result.outcome) {
    case 'accepted':
      return { event: { type: 'PushDispatched', providerMessageId: result.providerMessageId, latencyMs: Math.max(0, result.latencyMs) } };
    case 'dead_token':
      return { event: { type: 'PushRejected', reason: clip(result.reason) } };
    case 'rejected':
      return { event: { type: 'PushFailed', reason: clip(`rejected: ${result.reason}`) }, deadLetter: true };
    case 'auth_error':
      return { event: { type: 'PushFailed', reason: clip(`provider_auth_error: ${result.reason}`) } };
    case 'rate_limited':
      return decideRateLimited(result, state, nowMs, expiresAtMs);
    case 'transient':
    case 'timeout': {
      const reason = clip(result.outcome === 'timeout' ? 'timeout' : `transient: ${result.reason}`);
      const retryAfterMs = result.outcome === 'timeout' ? undefined : result.retryAfterMs;
      const delayMs = retryDelayMs(state.tryNumber, nowMs, expiresAtMs, retryAfterMs, random);
      if (delayMs === null) return { event: { type: 'PushFailed', reason } };
      return { event: { type: 'PushAttemptFailed', reason, retryInMs: delayMs }, retryInMs: delayMs };
    }
    default:
      return assertNever(result);
  }
}

/**
 * FCM's QUOTA_EXCEEDED asks for about a minute, longer than a challenge lives: give up and say so.
 * APNs' 429 gets one retry after a short pause, never starting within the challenge's last second.
 */
function decideRateLimited(
  result: Extract<PushResult, { outcome: 'rate_limited' }>,
  state: PushTryState,
  nowMs: number,
  expiresAtMs: number,
): PushOutcomeDecision {
  const reason = clip(`rate_limited: ${result.reason}`);
  if (state.provider === 'fcm' || state.rateLimitRetried || state.tryNumber >= MAX_TRIES_PER_ROUND) {
    return { event: { type: 'PushFailed', reason } };
  }
  const delayMs = Math.max(APNS_RATE_LIMIT_PAUSE_MS, result.retryAfterMs ?? 0);
  if (!retryFitsBeforeExpiry(nowMs, delayMs, expiresAtMs)) return { event: { type: 'PushFailed', reason } };
  return { event: { type: 'PushAttemptFailed', reason, retryInMs: delayMs }, retryInMs: delayMs };
}

function clip(reason: string): string {
  return reason.length <= MAX_REASON_LENGTH ? reason : reason.slice(0, MAX_REASON_LENGTH);
}

function assertNever(value: never): never {
  throw new Error(`unexpected push result ${JSON.stringify(value)}`);
}
