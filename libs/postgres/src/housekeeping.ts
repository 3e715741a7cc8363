import type { Pool } from 'pg';

/** Rows one statement of `deleteInBatches` deletes at most. */
export const DELETE_BATCH_ROWS = 5_000;

/**
 * Deletes the rows of `table` that `where` matches (its parameters in `values`), `batchSize` at a time, each batch a
 * statement (and transaction) of its own: a prune of millions of rows never holds one long transaction, one burst of
 * WAL, or its locks for the whole run, and the rows it has deleted stay deleted should it stop half-way. Each batch
 * finds its rows with `where` (an index on the column it filters keeps that from reading the whole table) and
 * deletes them by row address. Answers how many rows it deleted.
 */
export async function deleteInBatches(pool: Pool, table: string, where: string, values: unknown[], batchSize = DELETE_BATCH_ROWS): Promise<number> {
  let deleted = 0;
  for (;;) {
    const { rowCount } = await pool.query(`delete from ${table} where ctid = any(array(select ctid from ${table} where ${where} limit ${batchSize}))`, values);
    deleted += rowCount ?? 0;
    if ((rowCount ?? 0) < batchSize) return deleted;
  }
}

/** When services keep house: a minute after start, then every 6 hours. */
export const HOUSEKEEPING_TIMES = { firstAfterMs: 60_000, everyMs: 6 * 3600 * 1000 } as const;

export interface HousekeepingSchedule {
  /** The first run, this long after `start` (a process restarted more often than `everyMs` still keeps house). */
  firstAfterMs: number;
  everyMs: number;
  /** A failed run (the database away): reported, and tried again at the next run. */
  onError: (error: unknown) => void;
}

/**
 * A service's housekeeping (pruning what it no longer needs), run now and then on a timer that never keeps the process
 * alive; idempotent work, so every instance of a service may run it. `stop` waits for a run under way.
 */
export class Housekeeping {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly schedule: HousekeepingSchedule,
  ) {}

  start(): void {
    this.next(this.schedule.firstAfterMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private next(afterMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.work()
        .then(
          () => undefined,
          (error: unknown) => this.schedule.onError(error),
        )
        .finally(() => {
          this.running = undefined;
          if (this.timer) this.next(this.schedule.everyMs);
        });
    }, afterMs);
    this.timer.unref();
  }
}
