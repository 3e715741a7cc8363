import { fullJitterBackoffMs } from '@pushmfa/messaging';

/** Tries per round (the first send plus retries of transient failures). */
export const MAX_TRIES_PER_ROUND = 3;
export const RETRY_BASE_MS = 1000;
export const RETRY_CAP_MS = 8000;
/** No provider call may outlast this, nor the challenge's expiry. */
export const SEND_TIMEOUT_MS = 10_000;
/** A device the registry has not told us about yet is looked up again this often, this many times (~2 s). */
export const DEVICE_LOOKUP_INTERVAL_MS = 400;
export const MAX_DEVICE_LOOKUPS = 5;

/**
 * The `attempt` a push carries: unique per (challenge, device) across rounds and tries, so every delivery
 * event has its own deterministic id. Round 1 uses 1..3, round 2 uses 4..6, and so on.
 */
export function pushAttemptNumber(round: number, tryNumber: number): number {
  return (round - 1) * MAX_TRIES_PER_ROUND + tryNumber;
}

/** The round a `ChallengeResendRequested` starts: its `attempt` counts resends, the issue was round 1. */
export function pushRoundOfResend(resendAttempt: number): number {
  return resendAttempt + 1;
}

/**
 * A retry starts only while this much of the challenge's life is left: a push that lands in its last second cannot
 * be approved, and a try started at the very edge reaches the provider after the expiry.
 */
export const MIN_LIFE_LEFT_FOR_RETRY_MS = 1_000;

/** True when a retry `delayMs` from now still leaves the challenge MIN_LIFE_LEFT_FOR_RETRY_MS to live. */
export function retryFitsBeforeExpiry(nowMs: number, delayMs: number, expiresAtMs: number): boolean {
  return nowMs + delayMs + MIN_LIFE_LEFT_FOR_RETRY_MS <= expiresAtMs;
}

/** The provider deadline: ten seconds at most, and never past the challenge's expiry. */
export function sendDeadlineMs(nowMs: number, expiresAtMs: number): number {
  return Math.min(nowMs + SEND_TIMEOUT_MS, expiresAtMs);
}

/**
 * Delay before the next try after a transient failure of `tryNumber`, or null when no try is left or the
 * retry would start within the challenge's last second (retryFitsBeforeExpiry). A provider's `retryAfterMs` is a floor.
 */
export function retryDelayMs(
  tryNumber: number,
  nowMs: number,
  expiresAtMs: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number | null {
  if (tryNumber >= MAX_TRIES_PER_ROUND) return null;
  const jitterMs = fullJitterBackoffMs(tryNumber - 1, RETRY_BASE_MS, RETRY_CAP_MS, random);
  const delayMs = Math.max(jitterMs, retryAfterMs ?? 0);
  return retryFitsBeforeExpiry(nowMs, delayMs, expiresAtMs) ? delayMs : null;
}
