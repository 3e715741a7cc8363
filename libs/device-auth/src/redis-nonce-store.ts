import type Redis from 'ioredis';
import type { NonceStore } from './device-auth.ports';
import { NonceStoreUnavailableError } from './nonce-store-unavailable.error';

export interface RedisNonceStoreOptions {
  /** ioredis queues commands while reconnecting; a device request must not wait on that for long. */
  commandTimeoutMs?: number;
}

export class RedisNonceStore implements NonceStore {
  private readonly commandTimeoutMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    options: RedisNonceStoreOptions = {},
  ) {
    this.commandTimeoutMs = options.commandTimeoutMs ?? 2_000;
  }

  async claim(deviceId: string, nonce: string, ttlMs: number): Promise<boolean> {
    const key = `${this.keyPrefix}nonce:${deviceId}:${nonce}`;
    try {
      // SET NX is atomic: of any number of concurrent claims exactly one gets "OK".
      const answer = await this.withTimeout(this.redis.set(key, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'));
      return answer === 'OK';
    } catch (error) {
      throw new NonceStoreUnavailableError('the nonce store (Redis) is unavailable', { cause: error });
    }
  }

  private withTimeout<T>(command: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.commandTimeoutMs} ms`)), this.commandTimeoutMs);
    });
    return Promise.race([command, timeout]).finally(() => clearTimeout(timer));
  }
}
