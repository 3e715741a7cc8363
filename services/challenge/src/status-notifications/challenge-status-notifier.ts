import type Redis from 'ioredis';

/** How often a long-poll re-reads the challenge while Redis cannot wake it. */
const POLL_WITHOUT_REDIS_MS = 500;

/**
 * Wakes long-polls on every instance when a challenge leaves `pending`: the instance that appended the decision
 * wakes its own at once and publishes on Redis for the others; each instance holds one subscriber connection with one pattern subscription for every
 * challenge's channel, set up at start, and fans messages out to its waiters. A long-poll therefore costs no Redis
 * command of its own (no SUBSCRIBE and UNSUBSCRIBE per request), and a decision costs one PUBLISH.
 * A wake-up carries nothing but "look again": whatever a message on the channel says, the answer is read from the
 * event store, so anyone able to publish on Redis can at most make a long-poll read the challenge once more.
 *
 * Redis is only the wake-up path, never the record: while the subscriber is not subscribed (Redis down, or
 * restarted empty and not yet re-subscribed by ioredis' `autoResubscribe`) a long-poll re-reads the challenge every
 * 500 ms instead, and when the subscription is lost every waiter is woken to read again, so a message lost in the
 * gap never leaves a long-poll waiting for its deadline.
 */
export class ChallengeStatusNotifier {
  private readonly waiters = new Map<string, Set<(decided?: object) => void>>();
  private subscribed = false;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly channelPrefix: string,
  ) {
    // A message says only "look again", whatever it carries.
    subscriber.on('pmessage', (_pattern: string, channel: string) => this.wakeWaiters(channel));
    // ioredis re-subscribes the pattern after a reconnect; until it has, long-polls poll.
    subscriber.on('close', () => this.lost());
    subscriber.on('ready', () => void this.subscribe());
  }

  /** Subscribes to every challenge's channel (the subscriber must be connected). */
  async start(): Promise<void> {
    await this.subscribe();
  }

  /** True while wake-ups can arrive. */
  get isSubscribed(): boolean {
    return this.subscribed;
  }

  /**
   * Called after the decision committed. This instance's own long-polls are woken at once, without the round trip
   * through Redis, and are handed `decided` (the challenge as this instance's command committed it) when given, so
   * they answer without reading the store again; the others' are woken through Redis and read it.
   */
  async notify(challengeId: string, decided?: object): Promise<void> {
    const channel = this.channel(challengeId);
    this.wakeWaiters(channel, decided);
    await this.publisher.publish(channel, '1');
  }

  private wakeWaiters(channel: string, decided?: object): void {
    const waiting = this.waiters.get(channel);
    if (waiting) for (const wake of [...waiting]) wake(decided);
  }

  /**
   * Registers the waiter first, then calls `check`, which reads the challenge and answers how long to wait for its
   * decision (0: no wait, it is settled or past its deadline); waits for a notification or that long. A decision made
   * between the read and the wait is never missed, and the caller reads the challenge once before waiting, not twice.
   * Resolves when woken or when the wait ends; the caller then reads the challenge again, unless it resolves with the
   * challenge as this instance just committed it (`notify`'s `decided`; never what arrives on Redis).
   */
  async waitUntilSettled(challengeId: string, check: () => Promise<number>): Promise<object | undefined> {
    const channel = this.channel(challengeId);
    let wake!: (decided?: object) => void;
    const woken = new Promise<object | undefined>((resolve) => (wake = resolve));
    let set = this.waiters.get(channel);
    if (!set) this.waiters.set(channel, (set = new Set()));
    set.add(wake);
    let timer: NodeJS.Timeout | undefined;
    try {
      const subscribed = this.subscribed;
      const waitMs = await check();
      if (waitMs <= 0) return undefined;
      if (!subscribed) return void (await this.pollUntilSettled(check, waitMs));
      timer = setTimeout(() => wake(), waitMs);
      return await woken;
    } finally {
      clearTimeout(timer);
      set.delete(wake);
      if (set.size === 0 && this.waiters.get(channel) === set) this.waiters.delete(channel);
    }
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.psubscribe(`${this.escapedPrefix()}challenge-status:*`);
      this.subscribed = true;
    } catch {
      // Not connected: the 'ready' handler subscribes once it is; long-polls poll meanwhile.
      this.subscribed = false;
    }
  }

  /** The subscription is gone: every waiter reads again (and polls while it stays gone). */
  private lost(): void {
    this.subscribed = false;
    for (const set of this.waiters.values()) for (const wake of [...set]) wake();
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

  /** The prefix with Redis glob characters escaped, so a pattern matches only this deployment's channels. */
  private escapedPrefix(): string {
    return this.channelPrefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
  }
}
