import type Redis from 'ioredis';
import { DomainError } from '@pushmfa/event-store';

/**
 * Registrations per client address in a fixed window, counted in Redis so every registry instance shares the count.
 * `register` is the one unauthenticated write of the registry: this bounds what one address can make it do. When
 * Redis cannot count, the request is refused (503), not let through.
 */
export class RegistrationRateLimit {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  async admit(clientAddress: string): Promise<void> {
    const now = Date.now();
    const window = Math.floor(now / this.windowMs);
    const key = `${this.keyPrefix}register-rate:${clientAddress}:${window}`;
    let count: number;
    try {
      const replies = await this.redis.multi().incr(key).pexpire(key, this.windowMs).exec();
      const [error, value] = replies?.[0] ?? [new Error('no reply'), undefined];
      if (error) throw error;
      count = Number(value);
    } catch {
      throw new DomainError('unavailable', 'registrations cannot be counted right now; nothing was written', { retryAfterSeconds: 1 });
    }
    if (count > this.limit) {
      const retryAfterSeconds = ((window + 1) * this.windowMs - now) / 1000;
      throw new DomainError('rate_limited', `at most ${this.limit} registrations a minute from one address; nothing was written`, { retryAfterSeconds });
    }
  }
}
