import type Redis from 'ioredis';

/**
 * Wakes long-polls on every instance when a challenge leaves `pending`: the instance that appended the decision
 * publishes on Redis; each instance holds one subscriber connection and fans messages out to its waiters.
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

  async notify(challengeId: string): Promise<void> {
    await this.publisher.publish(this.channel(challengeId), '1');
  }

  /**
   * Subscribes first, then asks `isSettled`; waits for a notification or the timeout only when still pending,
   * so a decision made between the check and the wait is never missed.
   */
  async waitUntilSettled(challengeId: string, timeoutMs: number, isSettled: () => Promise<boolean>): Promise<void> {
    const channel = this.channel(challengeId);
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    const set = this.waiters.get(channel) ?? new Set();
    set.add(wake);
    if (set.size === 1) {
      this.waiters.set(channel, set);
      await this.subscriber.subscribe(channel);
    }
    const timer = setTimeout(wake, timeoutMs);
    try {
      if (!(await isSettled())) await woken;
    } finally {
      clearTimeout(timer);
      set.delete(wake);
      if (set.size === 0) {
        this.waiters.delete(channel);
        await this.subscriber.unsubscribe(channel).catch(() => undefined);
      }
    }
  }

  private channel(challengeId: string): string {
    return `${this.channelPrefix}challenge-status:${challengeId}`;
  }
}
