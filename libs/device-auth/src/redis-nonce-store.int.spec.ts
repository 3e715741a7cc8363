import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { RedisNonceStore } from './redis-nonce-store';
import { NonceStoreUnavailableError } from './nonce-store-unavailable.error';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test:device-auth:${randomUUID()}:`;
let redis: Redis;
let store: RedisNonceStore;

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis is not reachable at ${new URL(REDIS_URL).host} (set REDIS_URL or start Redis): ${String(error)}`);
  }
  store = new RedisNonceStore(redis, prefix);
});

afterAll(async () => {
  if (redis?.status !== 'ready') return;
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ioredis arms a disconnectTimeout timer on a socket that already closed; keep it short so jest exits promptly.
const UNREACHABLE = { lazyConnect: true, disconnectTimeout: 10 } as const;

describe('RedisNonceStore', () => {
  it('accepts the first claim of a nonce and refuses the second', async () => {
    expect(await store.claim('device-1', 'nonce-aaaaaaaaaaaa', 60_000)).toBe(true);
    expect(await store.claim('device-1', 'nonce-aaaaaaaaaaaa', 60_000)).toBe(false);
  });

  it('stores the claim under <prefix>nonce:<deviceId>:<nonce> with the TTL', async () => {
    await store.claim('device-1', 'nonce-keyshape0000', 60_000);
    const ttlMs = await redis.pttl(`${prefix}nonce:device-1:nonce-keyshape0000`);
    expect(ttlMs).toBeGreaterThan(50_000);
    expect(ttlMs).toBeLessThanOrEqual(60_000);
  });

  it('keeps devices apart', async () => {
    expect(await store.claim('device-1', 'nonce-bbbbbbbbbbbb', 60_000)).toBe(true);
    expect(await store.claim('device-2', 'nonce-bbbbbbbbbbbb', 60_000)).toBe(true);
  });

  it('accepts the nonce again once its TTL has passed', async () => {
    expect(await store.claim('device-1', 'nonce-cccccccccccc', 200)).toBe(true);
    expect(await store.claim('device-1', 'nonce-cccccccccccc', 200)).toBe(false);
    await sleep(300);
    expect(await store.claim('device-1', 'nonce-cccccccccccc', 200)).toBe(true);
  });

  it('lets exactly one of 20 parallel claims of the same nonce win', async () => {
    // One connection each, so the claims really race instead of queueing on one socket.
    const connections = Array.from({ length: 20 }, () => redis.duplicate());
    try {
      const answers = await Promise.all(
        connections.map((connection) => new RedisNonceStore(connection, prefix).claim('device-race', 'nonce-race00000000', 60_000)),
      );
      expect(answers.filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(connections.map((connection) => connection.quit()));
    }
  });

  it('fails with code unavailable when Redis is unreachable', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', { ...UNREACHABLE, maxRetriesPerRequest: 0, retryStrategy: () => null });
    unreachable.on('error', () => undefined);
    try {
      const error = await new RedisNonceStore(unreachable, prefix).claim('device-1', 'nonce-dddddddddddd', 60_000).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NonceStoreUnavailableError);
      expect(error).toMatchObject({ code: 'unavailable', status: 503 });
    } finally {
      unreachable.disconnect();
    }
  });

  it('fails with code unavailable when Redis keeps the command queued past the timeout', async () => {
    const reconnecting = new Redis('redis://127.0.0.1:1', { ...UNREACHABLE, maxRetriesPerRequest: null });
    reconnecting.on('error', () => undefined);
    try {
      const started = Date.now();
      const error = await new RedisNonceStore(reconnecting, prefix, { commandTimeoutMs: 300 })
        .claim('device-1', 'nonce-eeeeeeeeeeee', 60_000)
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'unavailable' });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      reconnecting.disconnect();
    }
  });
});
