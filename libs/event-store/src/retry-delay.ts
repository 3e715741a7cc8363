/** Exponential backoff for subscription retries: min, 2·min, 4·min … capped at max. */
export function retryDelayMs(failures: number, minMs: number, maxMs: number): number {
  const exponent = Math.min(Math.max(failures, 0), 30);
  return Math.min(maxMs, minMs * 2 ** exponent);
}

export const DEFAULT_MIN_RETRY_DELAY_MS = 100;
export const DEFAULT_MAX_RETRY_DELAY_MS = 5_000;
