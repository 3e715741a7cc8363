import type { Pool } from 'pg';
import { DIAGNOSTICS_TABLE } from '../database/diagnostics-table';

type Log = (level: 'error' | 'warn' | 'info', message: string, extra?: Record<string, unknown>) => void;

/** Incidents deleted per statement, so one sweep after a long pause never holds a long transaction. */
const SWEEP_CHUNK = 1000;

/**
 * Deletes incidents whose retention has run out (`expires_at <= now`), every `intervalMs` on every instance (a
 * delete is idempotent, so instances need no coordination). A failed sweep is logged and tried again next round.
 */
export class DiagnosticsSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly intervalMs: number,
    private readonly log: Log,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweepOnce()
        .catch((error: unknown) => this.log('warn', 'diagnostics sweep failed; will retry', { error: String(error) }))
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Deletes every incident expired at `now` (the clock's time unless given); returns how many. */
  async sweepOnce(now: Date = this.clock()): Promise<number> {
    let deleted = 0;
    for (;;) {
      const { rowCount } = await this.pool.query(
        `delete from ${this.schema}.${DIAGNOSTICS_TABLE} where (workspace_id, incident_id) in (
           select workspace_id, incident_id from ${this.schema}.${DIAGNOSTICS_TABLE} where expires_at <= $1 limit ${SWEEP_CHUNK})`,
        [now],
      );
      deleted += rowCount ?? 0;
      if ((rowCount ?? 0) < SWEEP_CHUNK) return deleted;
    }
  }
}
