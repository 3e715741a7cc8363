/** A partition's position to commit: the offset of the next record to consume (the last settled one plus one). */
export interface PartitionPosition {
  topic: string;
  partition: number;
  offset: string;
}

export interface OffsetCommitterOptions {
  /** Sends one commit request for these positions (kafkajs' `consumer.commitOffsets`). */
  commit: (positions: PartitionPosition[]) => Promise<void>;
  /** The least time between two commit requests; what is settled meanwhile goes in the next one. */
  intervalMs: number;
  onError?: (error: unknown, positions: PartitionPosition[]) => void;
}

/**
 * Commits a consumer group member's settled offsets in one request per interval, whatever the number of batches
 * settled in it. kafkajs' auto-commit sends an OffsetCommit after every fetched batch, and at a low rate a batch is
 * one record: a commit per record per group, the broker's most frequent request under load. Here a settled offset
 * arms one timer; the commit it fires carries the newest position of every partition settled since the last one, and
 * a commit is never sent while another is under way. The last positions are committed even when no record follows
 * (the timer), and at once on `flush` (stop, rebalance). Records settled but not yet committed when a member dies are
 * consumed again by the next owner: delivery stays at least once, which every handler absorbs (idempotent by id).
 */
export class OffsetCommitter {
  private readonly pending = new Map<string, PartitionPosition>();
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private lastCommitAt = 0;
  private stopped = false;

  constructor(private readonly options: OffsetCommitterOptions) {}

  /** `offset` of `partition` is settled (its effect is durable): its position is committed within the interval. */
  settled(topic: string, partition: number, offset: string): void {
    this.pending.set(`${topic}\u0000${partition}`, { topic, partition, offset: (BigInt(offset) + 1n).toString() });
    this.arm();
  }

  /** Forgets positions of partitions no longer assigned (after a rebalance): their new owner commits them. */
  retainOnly(assigned: ReadonlyArray<{ topic: string; partition: number }>): void {
    const kept = new Set(assigned.map(({ topic, partition }) => `${topic}\u0000${partition}`));
    for (const key of this.pending.keys()) if (!kept.has(key)) this.pending.delete(key);
  }

  /** Commits every settled position now (after a commit under way), and resolves once it is sent or has failed. */
  async flush(): Promise<void> {
    this.disarm();
    while (this.inFlight) await this.inFlight;
    if (this.pending.size === 0) return;
    const positions = [...this.pending.values()];
    this.pending.clear();
    this.lastCommitAt = Date.now();
    const request = this.options.commit(positions).catch((error: unknown) => {
      // Kept for the next commit unless a newer position of the partition was settled meanwhile.
      for (const position of positions) {
        const key = `${position.topic}\u0000${position.partition}`;
        if (!this.pending.has(key)) this.pending.set(key, position);
      }
      this.options.onError?.(error, positions);
    });
    this.inFlight = request.finally(() => {
      this.inFlight = undefined;
      if (this.pending.size > 0) this.arm();
    });
    await this.inFlight;
  }

  /** No more timers: what is pending is left to `flush`. */
  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  private arm(): void {
    if (this.timer || this.inFlight || this.stopped) return;
    const wait = Math.max(0, this.lastCommitAt + this.options.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, wait);
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
