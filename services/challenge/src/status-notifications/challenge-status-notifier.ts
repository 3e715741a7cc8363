import type Redis from 'ioredis';

/** How often a long-poll re-reads the challenge while Redis cannot wake it. */
const POLL_WITHOUT_REDIS_MS = 500;

/**
 * Wakes long-polls on every instance when a challenge leaves `pending`: the instance that appended the decision
 * publishes on Redis; each instance holds one subscriber connection and fans messages out to its waiters.
 * A wake-up carries nothing but "look again": whatever a message on the channel says, the answer is read from the
 * event store, so anyone able to publish on Redis can at most make a long-poll read the challenge once more.
 *
 * Redis is only the wake-up path, never the record: while it is down (or restarted empty) the subscriber
 * reconnects with ioredis' capped backoff and re-subscribes every channel it held (`autoResubscribe`), and a
 * long-poll that cannot subscribe re-reads the challenge every 500 ms instead, so it still answers the decision.
 */
export class ChallengeStatusNotifier {
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly channelPrefix: string,
  ) {
    subscriber.on('message', (channel: string) => {
      const waiting = this.waiters.get(channel);
      if (waiting) for (const wake of [...waiting]) wake();
    });
  }

  /** Called after the decision committed. */
  async notify(challengeId: string): Promise<void> {
    await this.publisher.publish(this.channel(challengeId), '1');
  }

  /**
   * Subscribes first, then calls `check`, which reads the challenge and answers how long to wait for its decision
   * (0: no wait, it is settled or past its deadline); waits for a notification or that long. A decision made between
   * the read and the wait is never missed, and the caller reads the challenge once before waiting, not twice.
   * Resolves when woken or when the wait ends; the caller then reads the challenge again.
   */
  async waitUntilSettled(challengeId: string, check: () => Promise<number>): Promise<void> {
    const channel = this.channel(challengeId);
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    const set = this.waiters.get(channel) ?? new Set();
    set.add(wake);
    let timer: NodeJS.Timeout | undefined;
    try {
      let subscribed = true;
      if (set.size === 1) {
        this.waiters.set(channel, set);
        subscribed = await this.subscriber.subscribe(channel).then(
          () => true,
          () => false,
        );
      }
      const waitMs = await check();
      if (waitMs <= 0) return;
      if (!subscribed) return await this.pollUntilSettled(check, waitMs);
      timer = setTimeout(() => wake(), waitMs);
      await woken;
    } finally {
      clearTimeout(timer);
      set.delete(wake);
      if (set.size === 0 && this.waiters.get(channel) === set) {
        this.waiters.delete(channel);
        await this.subscriber.unsubscribe(channel).catch(() => undefined);
      }
    }
  }

  /** Without a subscription: `check` again every POLL_WITHOUT_REDIS_MS until it answers 0 or `waitMs` has passed. */
  private async pollUntilSettled(check: () => Promise<number>, waitMs: number): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (let left = waitMs; left > 0; left = Math.min(deadline - Date.now(), await check())) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_WITHOUT_REDIS_MS, left)));
    }
  }

  private channel(challengeId: string): string {
    return `${this.channelPrefix}challenge-status:${challengeId}`;
  }
}
