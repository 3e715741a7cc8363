import type { PushResult } from '../providers/push-provider.port';
import { retryDelayMs } from './delivery-retry-policy';

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
}

const MAX_REASON_LENGTH = 200;

/** Maps a provider's answer to the event to publish and whether to try again. Pure (random is passed in). */
export function decidePushOutcome(
  result: PushResult,
  tryNumber: number,
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
      return { event: { type: 'PushFailed', reason: clip(`rejected: ${result.reason}`) } };
    case 'auth_error':
      return { event: { type: 'PushFailed', reason: clip(`provider_auth_error: ${result.reason}`) } };
    case 'transient':
    case 'rate_limited':
    case 'timeout': {
      const reason = clip(result.outcome === 'timeout' ? 'timeout' : `${result.outcome}: ${result.reason}`);
      const retryAfterMs = result.outcome === 'timeout' ? undefined : result.retryAfterMs;
      const delayMs = retryDelayMs(tryNumber, nowMs, expiresAtMs, retryAfterMs, random);
      if (delayMs === null) return { event: { type: 'PushFailed', reason } };
      return { event: { type: 'PushAttemptFailed', reason, retryInMs: delayMs }, retryInMs: delayMs };
    }
    default:
      return assertNever(result);
  }
}

function clip(reason: string): string {
  return reason.length <= MAX_REASON_LENGTH ? reason : reason.slice(0, MAX_REASON_LENGTH);
}

function assertNever(value: never): never {
  throw new Error(`unexpected push result ${JSON.stringify(value)}`);
}
