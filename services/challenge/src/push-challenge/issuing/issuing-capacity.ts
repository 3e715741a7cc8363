import { monitorEventLoopDelay } from 'node:perf_hooks';

type IntervalHistogram = ReturnType<typeof monitorEventLoopDelay>;

/** Why a request was refused, and when the caller should try again. */
export interface IssuingRefusal {
  reason: 'fair_share' | 'queue_timeout' | 'overloaded';
  retryAfterMs: number;
}

export interface IssuingCapacityOptions {
  /** Challenges being issued at once (CHALLENGE_MAX_ISSUING). */
  limit: number;
  /** CoDel's target: how long a request may wait for a place while a queue has been standing (ms). */
  queueTargetMs?: number;
  /** CoDel's interval: a queue not empty for this long is a standing queue, not a burst (ms). */
  queueIntervalMs?: number;
  /** How long a request may wait for a place during a burst, when the queue was empty within the interval (ms). */
  maxWaitMs?: number;
  /** True while the process cannot serve what it has already accepted in time (see EventLoopDelayGuard). */
  overloaded?: () => boolean;
  now?: () => number;
}

const DEFAULT_QUEUE_TARGET_MS = 10;
const DEFAULT_QUEUE_INTERVAL_MS = 100;
const DEFAULT_MAX_WAIT_MS = 100;

interface Waiter {
  workspaceId: string;
  enqueuedAt: number;
  admit: () => void;
  timer: NodeJS.Timeout;
}

/**
 * Admission to issuing: how many challenges may be in the middle of being issued at once, shared fairly between
 * workspaces, with a queue whose waiting time is controlled the way CoDel controls a packet queue, and served LIFO
 * while it stands (Facebook's "adaptive LIFO"). A challenge is worth something only while the user waits at the
 * sign-in page, so what cannot be served in time is refused at once with 503 `unavailable` and a retry hint rather
 * than queued: the service then keeps answering the challenges already issued (approvals, long-polls) within
 * their objective, and goodput stays at capacity however much more arrives.
 *
 * - **Fairness**: each workspace with requests in flight or waiting has an equal share of the limit
 *   (`floor(limit / busy workspaces)`, at least 1). A request of a workspace below its share is admitted at once,
 *   even when every place is taken: the places it borrows are held by workspaces over their share, which get no
 *   new place until they are back under it, so the total in flight returns to the limit and never exceeds twice
 *   it. One tenant's storm therefore never makes another tenant's sign-ins wait behind it.
 * - **Queue age (CoDel)**: a request at or over its workspace's share (a burst of one tenant) waits for a free
 *   place, at most `maxWaitMs` when the queue was empty at some point in the last `queueIntervalMs` (a burst, which
 *   a queue is for), but only `queueTargetMs` once the queue has been standing for longer (overload, which a queue
 *   only turns into latency); then it is refused with a retry hint.
 * - **Adaptive LIFO**: while the queue stands, the newest waiter is admitted first: it is the one whose user is
 *   still surely waiting, and the oldest ones are the ones that time out. During a burst the order is FIFO.
 * - **Overload**: while `overloaded()` says the process is behind on work it already accepted (its event loop has
 *   had a standing delay), nothing waits, and a workspace may have one issue in flight at most: the rest is refused
 *   before it costs anything, while every tenant can still sign a user in.
 */
export class IssuingCapacity {
  private total = 0;
  private readonly inFlight = new Map<string, number>();
  private readonly waiting: Waiter[] = [];
  private lastEmptyAt: number;
  private readonly limit: number;
  private readonly queueTargetMs: number;
  private readonly queueIntervalMs: number;
  private readonly maxWaitMs: number;
  private readonly overloaded: () => boolean;
  private readonly now: () => number;

  constructor(options: IssuingCapacityOptions) {
    this.limit = options.limit;
    this.queueTargetMs = options.queueTargetMs ?? DEFAULT_QUEUE_TARGET_MS;
    this.queueIntervalMs = options.queueIntervalMs ?? DEFAULT_QUEUE_INTERVAL_MS;
    this.maxWaitMs = Math.max(this.queueTargetMs, options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
    this.overloaded = options.overloaded ?? (() => false);
    this.now = options.now ?? (() => performance.now());
    this.lastEmptyAt = this.now();
  }

  /** Runs `issue` for `workspaceId` if it gets a place; otherwise returns `refused(why)` without running it. */
  async run<T, R>(workspaceId: string, issue: () => Promise<T>, refused: (refusal: IssuingRefusal) => R): Promise<T | R> {
    const admitted = await this.admit(workspaceId);
    if (admitted !== true) return refused(admitted);
    try {
      return await issue();
    } finally {
      this.release(workspaceId);
    }
  }

  /** Places in use by a workspace (for tests and metrics). */
  inFlightOf(workspaceId: string): number {
    return this.inFlight.get(workspaceId) ?? 0;
  }

  /** Requests waiting for a place now. */
  get queueLength(): number {
    return this.waiting.length;
  }

  /** True while the queue has not been empty for a whole interval: waits are short and the order is LIFO. */
  get standing(): boolean {
    if (this.waiting.length === 0) return false;
    return this.now() - this.lastEmptyAt > this.queueIntervalMs;
  }

  /**
   * The refusal a request of `workspaceId` gets at once while the process is overloaded and the workspace already has
   * an issue in flight or waiting (see `admit`); undefined when it would not be refused for that. It costs no I/O, so
   * it can be asked before the request is authenticated, to answer it before the authentication's round trips: the
   * refusal concerns that request alone and writes nothing.
   */
  refusalWhileOverloaded(workspaceId: string): IssuingRefusal | undefined {
    return this.hasIssuesOf(workspaceId) && this.overloaded() ? this.overloadRefusal() : undefined;
  }

  private admit(workspaceId: string): Promise<true | IssuingRefusal> | true | IssuingRefusal {
    const inFlight = this.inFlightOf(workspaceId);
    if (this.overloaded()) {
      if (this.hasIssuesOf(workspaceId)) return this.overloadRefusal();
      this.take(workspaceId);
      return true;
    }
    const share = this.shareOf(workspaceId);
    // Below its share: admitted now, borrowing if need be a place that a workspace over its share holds.
    if (inFlight < share && (this.total < this.limit || this.heldOverShare(workspaceId))) {
      this.take(workspaceId);
      return true;
    }
    // Twice the share in flight and waiting is as much as one workspace may ask for at once.
    if (inFlight + this.waitingOf(workspaceId) >= 2 * share) return { reason: 'fair_share', retryAfterMs: this.retryAfterMs(2) };
    if (this.total < this.limit && this.waiting.length === 0) {
      this.take(workspaceId);
      return true;
    }
    if (this.waiting.length === 0) this.lastEmptyAt = this.now();
    const waitMs = this.standing ? this.queueTargetMs : this.maxWaitMs;
    return new Promise<true | IssuingRefusal>((resolve) => {
      const waiter: Waiter = {
        workspaceId,
        enqueuedAt: this.now(),
        admit: () => {
          clearTimeout(waiter.timer);
          this.take(workspaceId);
          resolve(true);
        },
        timer: setTimeout(() => {
          this.remove(waiter);
          resolve({ reason: 'queue_timeout', retryAfterMs: this.retryAfterMs(1) });
        }, waitMs),
      };
      this.waiting.push(waiter);
      this.admitWaiters();
    });
  }

  private release(workspaceId: string): void {
    this.total--;
    const left = this.inFlightOf(workspaceId) - 1;
    if (left > 0) this.inFlight.set(workspaceId, left);
    else this.inFlight.delete(workspaceId);
    this.admitWaiters();
  }

  private take(workspaceId: string): void {
    this.total++;
    this.inFlight.set(workspaceId, this.inFlightOf(workspaceId) + 1);
  }

  /**
   * Hands free places to waiters: the workspace with the fewest in flight first; among its waiters the oldest
   * (FIFO) during a burst, the newest (LIFO) while the queue stands.
   */
  private admitWaiters(): void {
    while (this.total < this.limit && this.waiting.length > 0) {
      const lifo = this.standing;
      let next = lifo ? this.waiting.length - 1 : 0;
      for (let i = 0; i < this.waiting.length; i++) {
        const candidate = lifo ? this.waiting.length - 1 - i : i;
        if (this.inFlightOf(this.waiting[candidate]!.workspaceId) < this.inFlightOf(this.waiting[next]!.workspaceId)) next = candidate;
      }
      const [waiter] = this.waiting.splice(next, 1);
      if (this.waiting.length === 0) this.lastEmptyAt = this.now();
      waiter!.admit();
    }
  }

  private remove(waiter: Waiter): void {
    const index = this.waiting.indexOf(waiter);
    if (index >= 0) this.waiting.splice(index, 1);
    if (this.waiting.length === 0) this.lastEmptyAt = this.now();
  }

  /**
   * A retry hint of a few intervals, jittered so that refused callers do not come back together: long enough for
   * the queue to drain, short enough for a sign-in page to retry while the user still waits.
   */
  private retryAfterMs(intervals: number): number {
    const base = this.queueIntervalMs * intervals;
    return Math.round(base + Math.random() * base);
  }

  /** An equal part of the limit for each workspace with requests in flight or waiting, this one included. */
  private shareOf(workspaceId: string): number {
    let busy = this.inFlight.size + (this.inFlight.has(workspaceId) ? 0 : 1);
    const counted = new Set<string>();
    for (const waiter of this.waiting) {
      if (!this.inFlight.has(waiter.workspaceId) && waiter.workspaceId !== workspaceId && !counted.has(waiter.workspaceId)) {
        counted.add(waiter.workspaceId);
        busy++;
      }
    }
    return Math.max(1, Math.floor(this.limit / busy));
  }

  /** True when another workspace holds more places than the share `workspaceId` would have now. */
  private heldOverShare(workspaceId: string): boolean {
    const share = this.shareOf(workspaceId);
    for (const [other, count] of this.inFlight) if (other !== workspaceId && count > share) return true;
    return false;
  }

  /** In flight or waiting: what the overload rule allows one of per workspace. */
  private hasIssuesOf(workspaceId: string): boolean {
    return this.inFlightOf(workspaceId) > 0 || this.waitingOf(workspaceId) > 0;
  }

  private overloadRefusal(): IssuingRefusal {
    return { reason: 'overloaded', retryAfterMs: this.retryAfterMs(4) };
  }

  private waitingOf(workspaceId: string): number {
    let count = 0;
    for (const waiter of this.waiting) if (waiter.workspaceId === workspaceId) count++;
    return count;
  }
}

/** The period of the timer whose lateness monitorEventLoopDelay records (its `resolution`). */
const SAMPLING_TIMER_MS = 10;

/**
 * CoDel applied to the process's own run queue: the event loop's delay is how long work that is ready waits for
 * the CPU (requests already read, approvals, long-poll answers, consumed records). When even the smallest delay
 * seen over a whole interval is above the target, the delay is standing (the process is behind on what it already
 * accepted, not in a burst), and `overloaded` is true until an interval passes with a delay under the target. The
 * histogram is read once an interval (a timer per process, not per request).
 *
 * It samples only while it is asked: the first `overloaded` read starts the histogram (a timer that wakes the process
 * every 10 ms) and the interval check, and `idleIntervals` checks in a row with no read and no standing delay stop
 * them again. An idle service has no admission to decide, so it pays no wake-ups for it; a process that has not been
 * sampling is not behind on anything it accepted, so the first read after a quiet spell answers false.
 */
export class EventLoopDelayGuard {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: SAMPLING_TIMER_MS });
  private timer?: NodeJS.Timeout;
  private standing = false;
  private askedSinceCheck = false;
  private quietChecks = 0;

  constructor(
    private readonly targetMs: number,
    private readonly intervalMs = 200,
    private readonly idleIntervals = 25,
  ) {}

  get overloaded(): boolean {
    this.askedSinceCheck = true;
    if (!this.timer) this.startSampling();
    return this.standing;
  }

  /** True while the histogram and its check run (since the last read, until `idleIntervals` quiet checks). */
  get sampling(): boolean {
    return this.timer !== undefined;
  }

  stop(): void {
    this.stopSampling();
  }

  private startSampling(): void {
    this.histogram.reset();
    this.histogram.enable();
    this.quietChecks = 0;
    this.timer = setInterval(() => this.check(), this.intervalMs);
    this.timer.unref();
  }

  private stopSampling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.histogram.disable();
    this.standing = false;
  }

  private check(): void {
    // Nanoseconds, measured from the sampling timer's previous run: an idle loop reads about SAMPLING_TIMER_MS, so the
    // delay is what lies beyond it. A histogram without samples (the loop was blocked the whole interval) reads as
    // overloaded too.
    const minMs = this.histogram.count === 0 ? Number.POSITIVE_INFINITY : this.histogram.min / 1e6 - SAMPLING_TIMER_MS;
    this.standing = minMs > this.targetMs;
    this.histogram.reset();
    if (this.askedSinceCheck || this.standing) {
      this.askedSinceCheck = false;
      this.quietChecks = 0;
      return;
    }
    if (++this.quietChecks >= this.idleIntervals) this.stopSampling();
  }
}
