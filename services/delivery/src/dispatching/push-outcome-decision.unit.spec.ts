import { MAX_TRIES_PER_ROUND, pushAttemptNumber, retryDelayMs } from './delivery-retry-policy';
import { APNS_RATE_LIMIT_PAUSE_MS, decidePushOutcome, type PushTryState } from './push-outcome-decision';

const fcmTry = (tryNumber: number): PushTryState => ({ provider: 'fcm', tryNumber, rateLimitRetried: false });
const apnsTry = (tryNumber: number, rateLimitRetried = false): PushTryState => ({ provider: 'apns', tryNumber, rateLimitRetried });

const NOW = 1_000_000;
const EXPIRES = NOW + 60_000;
const highest = () => 0.999999;
const lowest = () => 0;

describe('decidePushOutcome', () => {
  it('reports an accepted push as PushDispatched', () => {
    expect(decidePushOutcome({ outcome: 'accepted', providerMessageId: 'm-1', latencyMs: 12 }, fcmTry(1), NOW, EXPIRES)).toEqual({
      event: { type: 'PushDispatched', providerMessageId: 'm-1', latencyMs: 12 },
    });
  });

  it('reports a dead token as PushRejected and never retries it', () => {
    expect(decidePushOutcome({ outcome: 'dead_token', reason: 'UNREGISTERED' }, fcmTry(1), NOW, EXPIRES)).toEqual({
      event: { type: 'PushRejected', reason: 'UNREGISTERED' },
    });
  });

  it('gives up at once on a rejected message or bad credentials', () => {
    expect(decidePushOutcome({ outcome: 'rejected', reason: 'INVALID_ARGUMENT' }, fcmTry(1), NOW, EXPIRES).event.type).toBe('PushFailed');
    expect(decidePushOutcome({ outcome: 'auth_error', reason: 'THIRD_PARTY_AUTH_ERROR' }, fcmTry(1), NOW, EXPIRES).event.type).toBe('PushFailed');
  });

  it('retries a transient failure or a timeout with PushAttemptFailed, saying when', () => {
    const decision = decidePushOutcome({ outcome: 'transient', reason: 'UNAVAILABLE' }, fcmTry(1), NOW, EXPIRES, () => 0.5);
    expect(decision).toEqual({ event: { type: 'PushAttemptFailed', reason: 'transient: UNAVAILABLE', retryInMs: 500 }, retryInMs: 500 });
    expect(decidePushOutcome({ outcome: 'timeout' }, fcmTry(2), NOW, EXPIRES, () => 0.5).retryInMs).toBe(1000);
  });

  it('gives up with PushFailed after the last try', () => {
    const decision = decidePushOutcome({ outcome: 'timeout' }, fcmTry(MAX_TRIES_PER_ROUND), NOW, EXPIRES);
    expect(decision).toEqual({ event: { type: 'PushFailed', reason: 'timeout' } });
  });

  it('does not schedule a retry that would start after the challenge expires', () => {
    const decision = decidePushOutcome({ outcome: 'transient', reason: 'UNAVAILABLE' }, fcmTry(1), NOW, NOW + 200, highest);
    expect(decision.event.type).toBe('PushFailed');
    expect(decision.retryInMs).toBeUndefined();
  });

  it('honours a transient Retry-After as a floor', () => {
    const decision = decidePushOutcome({ outcome: 'transient', reason: 'ServiceUnavailable', retryAfterMs: 5_000 }, apnsTry(1), NOW, EXPIRES, lowest);
    expect(decision.retryInMs).toBe(5_000);
  });

  it('gives up on FCM QUOTA_EXCEEDED at once: its minute outlives the challenge', () => {
    const decision = decidePushOutcome({ outcome: 'rate_limited', reason: 'messaging/message-rate-exceeded' }, fcmTry(1), NOW, EXPIRES);
    expect(decision).toEqual({ event: { type: 'PushFailed', reason: 'rate_limited: messaging/message-rate-exceeded' } });
  });

  it('retries an APNs 429 once after a short pause, then gives up', () => {
    const first = decidePushOutcome({ outcome: 'rate_limited', reason: 'TooManyRequests' }, apnsTry(1), NOW, EXPIRES);
    expect(first.retryInMs).toBe(APNS_RATE_LIMIT_PAUSE_MS);
    const second = decidePushOutcome({ outcome: 'rate_limited', reason: 'TooManyRequests' }, apnsTry(2, true), NOW, EXPIRES);
    expect(second).toEqual({ event: { type: 'PushFailed', reason: 'rate_limited: TooManyRequests' } });
    expect(decidePushOutcome({ outcome: 'rate_limited', reason: 'TooManyRequests' }, apnsTry(1), NOW, NOW + 500).event.type).toBe('PushFailed');
  });

  it('dead-letters a message the provider refused as ours', () => {
    expect(decidePushOutcome({ outcome: 'rejected', reason: 'BadTopic' }, apnsTry(1), NOW, EXPIRES).deadLetter).toBe(true);
    expect(decidePushOutcome({ outcome: 'auth_error', reason: 'InvalidProviderToken' }, apnsTry(1), NOW, EXPIRES).deadLetter).toBeUndefined();
  });
});

describe('retryDelayMs (full-jitter exponential backoff, base 1 s, cap 8 s)', () => {
  it('draws from [0, base * 2^(try-1)) and never above the cap', () => {
    expect(retryDelayMs(1, NOW, EXPIRES, undefined, highest)).toBeLessThan(1_000);
    expect(retryDelayMs(2, NOW, EXPIRES, undefined, highest)).toBeLessThan(2_000);
    expect(retryDelayMs(2, NOW, EXPIRES, undefined, highest)).toBeGreaterThanOrEqual(1_999);
    for (let tryNumber = 1; tryNumber < MAX_TRIES_PER_ROUND; tryNumber++) {
      expect(retryDelayMs(tryNumber, NOW, EXPIRES, undefined, highest)).toBeLessThan(8_000);
    }
  });

  it('refuses a retry-after that ends past expiry', () => {
    expect(retryDelayMs(1, NOW, NOW + 4_000, 5_000, lowest)).toBeNull();
  });

  it("refuses a retry that would start within the challenge's last second: the push could not be approved, and would reach the provider after the expiry", () => {
    expect(retryDelayMs(1, NOW, NOW + 1_200, 500, lowest)).toBeNull();
    expect(retryDelayMs(1, NOW, NOW + 1_500, 500, lowest)).toBe(500);
    expect(decidePushOutcome({ outcome: 'rate_limited', reason: 'TooManyRequests' }, apnsTry(1), NOW, NOW + 1_100).event.type).toBe('PushFailed');
  });
});

describe('pushAttemptNumber', () => {
  it('numbers every try of every round apart, so each delivery event id is distinct', () => {
    const numbers = [1, 2, 3].flatMap((round) => [1, 2, 3].map((tryNumber) => pushAttemptNumber(round, tryNumber)));
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
