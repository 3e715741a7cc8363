import { Logger } from '@nestjs/common';
import type { PushDispatcher } from '../dispatching/push-dispatcher';
import type { PendingPushes } from './pending-pushes';

/**
 * Keeps this worker's pending-push leases alive and takes over the pushes of workers that died: on start, then
 * every `sweepIntervalMs`. A takeover re-sends from the try the dead worker last recorded.
 */
export class PendingPushRecovery {
  private readonly logger = new Logger('PendingPushRecovery');
  private renewTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly pending: PendingPushes,
    private readonly dispatcher: PushDispatcher,
    private readonly leaseMs: number,
    private readonly sweepIntervalMs: number,
  ) {}

  async start(): Promise<void> {
    await this.sweep();
    // Renewing three times per lease survives two missed renewals (a slow database) without losing a lease.
    this.renewTimer = setInterval(
      () => {
        this.pending.renewLeases().catch((error: unknown) => this.logger.warn(`lease renewal failed: ${String(error)}`));
      },
      Math.max(100, Math.floor(this.leaseMs / 3)),
    );
    this.sweepTimer = setInterval(() => void this.sweep(), this.sweepIntervalMs);
    this.renewTimer.unref();
    this.sweepTimer.unref();
  }

  /** Claims orphaned pushes and schedules them; never throws. */
  async sweep(): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    try {
      const jobs = await this.pending.claimOrphans();
      for (const job of jobs) this.dispatcher.resume(job);
      if (jobs.length > 0) this.logger.warn(`took over ${jobs.length} pending push(es) whose worker stopped or died`);
      return jobs.length;
    } catch (error) {
      this.logger.warn(`pending push sweep failed: ${String(error)}`);
      return 0;
    } finally {
      this.sweeping = false;
    }
  }

  /** Stops sweeping (a stopping worker takes nothing new); leases are renewed until `release`. */
  stopSweeping(): void {
    clearInterval(this.sweepTimer);
  }

  /** After the drain: whatever is still ours goes back to the pool for the other workers. */
  async release(): Promise<void> {
    clearInterval(this.sweepTimer);
    clearInterval(this.renewTimer);
    await this.pending.releaseAll().catch((error: unknown) => this.logger.warn(`releasing leases failed: ${String(error)}`));
  }
}
