/** The bits of `document` the poller needs, so tests can hide and show a fake tab. */
export interface VisibilitySource {
  readonly hidden: boolean;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Runs `refresh` every `intervalMs` while the tab is visible: nothing while it is hidden, once at once when it
 * shows again. A slow refresh is never overlapped by the next; the next waits the full interval after it ends.
 */
export class VisiblePoller {
  private timer: unknown;
  private running = false;
  /** A refresh asked for while one runs (a new filter): it runs right after, not an interval later. */
  private rerunRequested = false;
  private stopped = true;
  private readonly onVisibility = () => {
    if (this.visibility.hidden) this.cancelTimer();
    else void this.tick();
  };

  constructor(
    private readonly refresh: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly visibility: VisibilitySource,
    private readonly timers: Timers = { setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (handle) => clearTimeout(handle as number) },
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.visibility.addEventListener('visibilitychange', this.onVisibility);
    if (!this.visibility.hidden) this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer();
    this.visibility.removeEventListener('visibilitychange', this.onVisibility);
  }

  /** Refreshes now (e.g. after a filter change), or right after the refresh in flight, and restarts the interval. */
  async now(): Promise<void> {
    await this.tick();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    if (this.running) {
      this.rerunRequested = true;
      return;
    }
    this.cancelTimer();
    this.running = true;
    try {
      do {
        this.rerunRequested = false;
        await this.refresh().catch(() => undefined); // refresh reports its own failures; the poller only keeps time.
      } while (this.rerunRequested && !this.stopped);
    } finally {
      this.running = false;
    }
    if (!this.stopped && !this.visibility.hidden) this.schedule();
  }

  private schedule(): void {
    this.cancelTimer();
    this.timer = this.timers.setTimeout(() => void this.tick(), this.intervalMs);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
