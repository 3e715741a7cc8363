import { EventEmitter } from 'node:events';
import type Redis from 'ioredis';
import { ChallengeStatusNotifier } from './challenge-status-notifier';

/** A Redis that takes the pattern subscription and records publishes, but never delivers them back. */
function silentRedis() {
  const published: string[] = [];
  const redis = Object.assign(new EventEmitter(), {
    psubscribe: async () => 1,
    publish: async (channel: string) => {
      published.push(channel);
      return 0;
    },
  });
  return { redis: redis as unknown as Redis, published };
}

describe('ChallengeStatusNotifier', () => {
  it("wakes this instance's long-polls at once, without waiting for Redis to deliver the message, and still publishes for the others", async () => {
    const { redis, published } = silentRedis();
    const notifier = new ChallengeStatusNotifier(redis, redis, 'p:');
    await notifier.start();
    const reads: number[] = [];
    const waiting = notifier.waitUntilSettled('c1', async () => {
      reads.push(Date.now());
      return 60_000;
    });
    await new Promise((resolve) => setImmediate(resolve));
    const started = Date.now();
    await notifier.notify('c1');
    await waiting;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(reads).toHaveLength(1);
    expect(published).toEqual(['p:challenge-status:c1']);
  });

  it("hands this instance's long-polls the committed challenge, never what arrives on Redis", async () => {
    const { redis } = silentRedis();
    const notifier = new ChallengeStatusNotifier(redis, redis, 'p:');
    await notifier.start();
    const decided = { challengeId: 'c5', status: 'approved' };
    const local = notifier.waitUntilSettled('c5', async () => 60_000);
    await new Promise((resolve) => setImmediate(resolve));
    await notifier.notify('c5', decided);
    await expect(local).resolves.toBe(decided);

    const remote = notifier.waitUntilSettled('c6', async () => 60_000);
    await new Promise((resolve) => setImmediate(resolve));
    redis.emit('pmessage', 'p:challenge-status:*', 'p:challenge-status:c6', JSON.stringify({ challengeId: 'c6', status: 'approved' }));
    await expect(remote).resolves.toBeUndefined();
  });

  it("wakes only the challenge's own waiters", async () => {
    const { redis } = silentRedis();
    const notifier = new ChallengeStatusNotifier(redis, redis, 'p:');
    await notifier.start();
    let woken = false;
    const other = notifier
      .waitUntilSettled('c2', async () => 200)
      .then(() => {
        woken = true;
      });
    await new Promise((resolve) => setImmediate(resolve));
    await notifier.notify('c1');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(woken).toBe(false);
    await other;
  });

  it('wakes waiters when another instance publishes (the message Redis delivers)', async () => {
    const { redis } = silentRedis();
    const notifier = new ChallengeStatusNotifier(redis, redis, 'p:');
    await notifier.start();
    const waiting = notifier.waitUntilSettled('c3', async () => 60_000);
    await new Promise((resolve) => setImmediate(resolve));
    redis.emit('pmessage', 'p:challenge-status:*', 'p:challenge-status:c3', '1');
    await waiting;
  });
});
