import { TopicEndOffsets } from './topic-end-offsets';
import type { Admin, Kafka } from 'kafkajs';

/** The view could not show that it has caught up with its topic in time: the caller must refuse (503), never trust it. */
export class ViewNotCurrentError extends Error {
  readonly code = 'unavailable';
  constructor(
    readonly topic: string,
    reason: string,
  ) {
    super(`the view of ${topic} may be stale: ${reason}`);
    this.name = 'ViewNotCurrentError';
  }
}

export interface ViewFreshnessOptions {
  kafka: Kafka;
  /** The topic the view is projected from. */
  topic: string;
  /** The consumer group that projects it (its committed offsets count as applied, whichever instance applied them). */
  groupId: string;
  /** How long `awaitCurrent` may wait for the view to catch up before it gives up. */
  maxWaitMs: number;
  /** How often the group's committed offsets are read while waiting for partitions another instance consumes. */
  committedPollMs?: number;
}

interface PartitionEnd {
  partition: number;
  high: bigint;
  /** The earliest offset still kept, read only when the view seems behind (a partition whose records are all gone is empty). */
  low?: bigint;
}

/**
 * Read-your-writes and fail-closed for a view projected from a Kafka topic. `awaitCurrent` reads the topic's end
 * offsets (in a request to the broker sent after the call, so a record acknowledged before the call is covered), then
 * waits until the view has applied every record below them: applied by this process (`settled`, called once a
 * record's effect has committed) or committed by the view's consumer group. It answers a token naming those end
 * offsets: the topic's content at a point the view has fully applied, so a cache entry read under a token is current
 * while the token stays the same. It throws `ViewNotCurrentError` when that cannot be shown within `maxWaitMs`
 * (broker unreachable, consumer stopped or lagging).
 */
export class ViewFreshness {
  private readonly admin: Admin;
  private readonly endOffsets: TopicEndOffsets;
  /** Next offset to apply, per partition: every record below it has been applied to the view. */
  private readonly applied = new Map<number, bigint>();
  private readonly wakers = new Set<() => void>();
  private endsInFlight?: Promise<PartitionEnd[]>;
  private endsQueued?: Promise<PartitionEnd[]>;
  private committedInFlight?: Promise<void>;
  private connected?: Promise<void>;

  constructor(private readonly options: ViewFreshnessOptions) {
    this.admin = options.kafka.admin({ retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 } });
    this.endOffsets = new TopicEndOffsets(options.kafka);
  }

  get topic(): string {
    return this.options.topic;
  }

  async start(): Promise<void> {
    this.connected = Promise.all([this.admin.connect(), this.endOffsets.connect()]).then(() => undefined);
    await this.connected;
  }

  async stop(): Promise<void> {
    await this.admin.disconnect().catch(() => undefined);
    await this.endOffsets.disconnect().catch(() => undefined);
  }

  /** The consumer settled `offset` of `partition` (its effect is committed, or the record needed none). */
  settled(topic: string, partition: number, offset: string): void {
    if (topic !== this.options.topic) return;
    this.advance(partition, BigInt(offset) + 1n);
  }

  async awaitCurrent(): Promise<string> {
    const deadline = Date.now() + this.options.maxWaitMs;
    let ends = await this.beforeDeadline(this.latestEnds(), deadline, 'the broker did not answer with the topic end offsets');
    if (this.covers(ends)) return tokenOf(ends);
    // Behind, or a partition whose records retention removed: read how far back the topic still goes (once).
    ends = await this.beforeDeadline(this.withEarliest(ends), deadline, 'the broker did not answer with the topic start offsets');
    if (this.covers(ends)) return tokenOf(ends);
    const pollMs = this.options.committedPollMs ?? 100;
    for (;;) {
      await this.beforeDeadline(this.readCommitted(), deadline, `not caught up within ${this.options.maxWaitMs} ms (reading the committed offsets)`);
      if (this.covers(ends)) return tokenOf(ends);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new ViewNotCurrentError(this.options.topic, `not caught up within ${this.options.maxWaitMs} ms`);
      await this.nextSettleOr(Math.min(pollMs, remaining));
      if (this.covers(ends)) return tokenOf(ends);
    }
  }

  private covers(ends: PartitionEnd[]): boolean {
    return ends.every((end) => end.high === 0n || (end.low !== undefined && end.high <= end.low) || (this.applied.get(end.partition) ?? -1n) >= end.high);
  }

  private async withEarliest(ends: PartitionEnd[]): Promise<PartitionEnd[]> {
    await this.connected;
    const offsets = await this.admin.fetchTopicOffsets(this.options.topic);
    const low = new Map(offsets.map((o) => [o.partition, BigInt(o.low)]));
    return ends.map((end) => ({ ...end, low: low.get(end.partition) ?? 0n }));
  }

  private advance(partition: number, next: bigint): void {
    if (next <= (this.applied.get(partition) ?? -1n)) return;
    this.applied.set(partition, next);
    for (const wake of [...this.wakers]) wake();
  }

  /** End offsets from a request sent after this call: joins a request not yet sent, never one already under way. */
  private latestEnds(): Promise<PartitionEnd[]> {
    if (!this.endsInFlight) {
      const request = this.fetchEnds();
      this.endsInFlight = request;
      void request
        .catch(() => undefined)
        .then(() => {
          if (this.endsInFlight === request) this.endsInFlight = undefined;
        });
      return request;
    }
    this.endsQueued ??= this.endsInFlight
      .catch(() => undefined)
      .then(() => {
        this.endsQueued = undefined;
        return this.latestEnds();
      });
    return this.endsQueued;
  }

  private async fetchEnds(): Promise<PartitionEnd[]> {
    await this.connected;
    // One ListOffsets request (admin.fetchTopicOffsets sends two): this runs before nearly every request a view serves.
    return this.endOffsets.latest(this.options.topic);
  }

  private readCommitted(): Promise<void> {
    this.committedInFlight ??= (async () => {
      try {
        await this.connected;
        const [topic] = await this.admin.fetchOffsets({ groupId: this.options.groupId, topics: [this.options.topic] });
        for (const { partition, offset } of topic?.partitions ?? []) {
          if (Number(offset) >= 0) this.advance(partition, BigInt(offset));
        }
      } finally {
        this.committedInFlight = undefined;
      }
    })();
    return this.committedInFlight;
  }

  private nextSettleOr(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  private beforeDeadline<T>(work: Promise<T>, deadline: number, reason: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ViewNotCurrentError(this.options.topic, reason)), Math.max(0, deadline - Date.now()));
    });
    const attempt = work.catch((error: unknown) => {
      throw error instanceof ViewNotCurrentError ? error : new ViewNotCurrentError(this.options.topic, `${reason} (${describe(error)})`);
    });
    return Promise.race([attempt, late]).finally(() => clearTimeout(timer));
  }
}

function tokenOf(ends: PartitionEnd[]): string {
  return ends
    .map((end) => `${end.partition}:${end.high}`)
    .sort()
    .join(',');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
