import type { PushOutcome } from './push-provider.port';

export type CircuitState = 'closed' | 'open' | 'half_open';

/** Gauge value of each state: 0 calls flow, 1 one probe call is allowed, 2 the provider is not called. */
export const CIRCUIT_STATE_VALUE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * Stops calling a provider whose credentials or configuration are wrong (every send fails until an operator
 * acts): after an auth error it stays open for `cooldownMs`, then lets exactly one probe call through
 * (half-open); the probe's answer closes it again or reopens it for another cool-down.
 */
export class ProviderCircuitBreaker {
  private current: CircuitState = 'closed';
  private openedAtMs = 0;
  private probeInFlight = false;

  constructor(
    readonly provider: 'fcm' | 'apns',
    private readonly cooldownMs: number,
    private readonly onOpen: (provider: 'fcm' | 'apns', reason: string) => void = () => undefined,
    private readonly clock: () => number = Date.now,
  ) {}

  get state(): CircuitState {
    return this.current;
  }

  /** True when this call may go to the provider; a half-open breaker admits one call at a time. */
  tryAcquire(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') {
      if (this.clock() - this.openedAtMs < this.cooldownMs) return false;
      this.current = 'half_open';
    }
    if (this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  /** Feeds the answer of an admitted call back. */
  record(outcome: PushOutcome, reason = ''): void {
    const wasProbe = this.probeInFlight;
    this.probeInFlight = false;
    if (outcome === 'auth_error') {
      this.current = 'open';
      this.openedAtMs = this.clock();
      this.onOpen(this.provider, reason);
      return;
    }
    // Anything but an auth error says the credentials work again; other failures are classified per push.
    if (wasProbe || this.current === 'half_open') this.current = 'closed';
  }
}
