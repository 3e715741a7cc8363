import { ProviderCircuitBreaker } from './provider-circuit-breaker';

describe('ProviderCircuitBreaker', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => (now = 1_000));

  it('opens on an auth error, refuses calls for the cool-down, then lets one probe through', () => {
    const opened: string[] = [];
    const breaker = new ProviderCircuitBreaker('fcm', 30_000, (provider, reason) => opened.push(`${provider}:${reason}`), clock);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.record('auth_error', 'messaging/third-party-auth-error');
    expect(breaker.state).toBe('open');
    expect(opened).toEqual(['fcm:messaging/third-party-auth-error']);
    now += 29_999;
    expect(breaker.tryAcquire()).toBe(false);
    now += 1;
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.state).toBe('half_open');
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('closes after a probe that is not an auth error, and reopens after one that is', () => {
    const breaker = new ProviderCircuitBreaker('apns', 1_000, undefined, clock);
    breaker.tryAcquire();
    breaker.record('auth_error');
    now += 1_000;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.record('auth_error');
    expect(breaker.state).toBe('open');
    now += 1_000;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.record('transient');
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(true);
  });
});
