type Task = () => Promise<void>;

/**
 * A small in-process scheduler for pushes: tasks start after their delay, at most `concurrency` run at once,
 * and the Kafka handler never awaits a push or its retries, so a slow provider never stalls a partition.
 * `waitForCapacity` gives the handler back-pressure when far more pushes are waiting than can run.
 */
export class PushScheduler {
  private readonly ready: Task[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private runningCount = 0;
  private settledWaiters: (() => void)[] = [];
  private capacityWaiters: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly onTaskError: (error: unknown) => void,
    private readonly maxWaiting = concurrency * 16,
  ) {}

  /** Pushes started and not settled yet. */
  get running(): number {
    return this.runningCount;
  }

  /** Pushes started, waiting for a slot, or waiting for their retry delay. */
  get pending(): number {
    return this.runningCount + this.ready.length + this.timers.size;
  }

  schedule(task: Task, delayMs = 0): void {
    if (delayMs <= 0) return this.enqueue(task);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.enqueue(task);
    }, delayMs);
    this.timers.add(timer);
  }

  /** How many tasks may be queued or started before `waitForCapacity` holds the caller back. */
  get capacity(): number {
    return this.maxWaiting;
  }

  /** Resolves once fewer than `maxWaiting` tasks are queued or started. */
  async waitForCapacity(): Promise<void> {
    while (this.runningCount + this.ready.length >= this.maxWaiting) {
      await new Promise<void>((resolve) => this.capacityWaiters.push(resolve));
    }
  }

  /**
   * Waits until every task, including retries they schedule meanwhile, has settled, or until `timeoutMs`.
   * Delayed tasks still waiting then are dropped. Returns how many tasks were left unfinished.
   */
  async drain(timeoutMs: number): Promise<number> {
    const settled = new Promise<void>((resolve) => {
      if (this.pending === 0) resolve();
      else this.settledWaiters.push(resolve);
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([settled, timedOut]);
    clearTimeout(timer);
    const left = this.pending;
    for (const waiting of this.timers) clearTimeout(waiting);
    this.timers.clear();
    this.ready.length = 0;
    return left;
  }

  private enqueue(task: Task): void {
    this.ready.push(task);
    this.startReady();
  }

  private startReady(): void {
    while (this.runningCount < this.concurrency && this.ready.length > 0) {
      const task = this.ready.shift()!;
      this.runningCount++;
      void task()
        .catch((error: unknown) => this.onTaskError(error))
        .finally(() => {
          this.runningCount--;
          this.startReady();
          this.notify();
        });
    }
  }

  private notify(): void {
    if (this.runningCount + this.ready.length < this.maxWaiting) this.capacityWaiters.splice(0).forEach((resolve) => resolve());
    if (this.pending === 0) this.settledWaiters.splice(0).forEach((resolve) => resolve());
  }
}
