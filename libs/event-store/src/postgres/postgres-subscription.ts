import type { Pool, PoolClient } from 'pg';
import { START_POSITION, type GlobalPosition, type ReadAllOptions, type RecordedEvent, type SubscribeOptions, type Subscription } from '../event-store.port';
import { isUnavailableError } from './postgres-error-mapping';
import { DEFAULT_MAX_RETRY_DELAY_MS, DEFAULT_MIN_RETRY_DELAY_MS, retryDelayMs } from '../retry-delay';

/** How long after a notification the log is still polled at the poll interval. */
const QUIET_AFTER_MS = 5_000;
/** How often a quiet log is polled (a fallback: appends notify). */
const QUIET_POLL_INTERVAL_MS = 2_000;

/** The first wait before reading again while committed events wait behind a running transaction; it doubles up to the poll interval. */
const HELD_BACK_FIRST_POLL_MS = 5;

export interface PostgresSubscriptionStore {
  /** The events after a position up to the horizon, and whether committed events wait behind it. */
  readAllPage(after: GlobalPosition, options?: ReadAllOptions): Promise<{ events: RecordedEvent[]; heldBack: boolean }>;
  readCheckpoint(subscriptionId: string): Promise<GlobalPosition | null>;
  storeCheckpoint(subscriptionId: string, position: GlobalPosition): Promise<void>;
}

export interface PostgresSubscriptionSettings {
  pool: Pool;
  store: PostgresSubscriptionStore;
  schema: string;
  channel: string;
  pollIntervalMs: number;
  /** How often an instance that is not the active consumer checks whether it may take over. */
  standbyIntervalMs: number;
}

/**
 * Polls the global log from the stored checkpoint. A LISTEN on the store's channel wakes it as soon as an
 * append commits; the poll interval covers lost notifications and transactions that were holding the
 * visibility horizon back. A session advisory lock on the listening connection makes one instance per
 * subscription id the active consumer, so scaled-out services do not process the log twice.
 *
 * When the database goes away (a crash, a failover, a cut connection) the listening session errors: it is dropped,
 * the loop backs off (capped), and once the database answers again it connects a new session, LISTENs and takes
 * the lock again before it reads on from the checkpoint. `isHealthy` is false from the failure until then.
 */
export class PostgresSubscription implements Subscription {
  private running = true;
  private notified = false;
  private wakeIdle?: () => void;
  private listener?: PoolClient;
  private isActive = false;
  private healthy = false;
  private sessionLost = false;
  private loop?: Promise<void>;
  /** When the last notification (or a new session) came: polling stays frequent for a while after it. */
  private lastWokenAt = Date.now();
  /** The position of the last handled batch while it is not stored yet (`checkpointIntervalMs`). */
  private unstored?: GlobalPosition;
  /** When the checkpoint was last stored. */
  private storedAt = 0;

  constructor(
    private readonly settings: PostgresSubscriptionSettings,
    private readonly options: SubscribeOptions,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  /** True once the listening session is established (active or standby) and the last round trip succeeded. */
  isHealthy(): boolean {
    return this.healthy && this.listener !== undefined;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeIdle?.();
    await this.loop;
    // Still the active consumer: store what was handled, so the next one does not hand it over again.
    if (this.isActive) await this.storeCheckpoint(true).catch((error: unknown) => this.options.onError?.(error));
    this.dropListener();
  }

  private async run(): Promise<void> {
    const { store } = this.settings;
    const { subscriptionId, batchSize = 100 } = this.options;
    const minDelay = this.options.minRetryDelayMs ?? DEFAULT_MIN_RETRY_DELAY_MS;
    const maxDelay = this.options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS;
    let position: GlobalPosition | undefined;
    let failures = 0;
    let heldBackPolls = 0;
    /** When the last read began, while reads find events not cut at batchSize (gathering: `gatherMs`). */
    let gatheringSince: number | undefined;
    while (this.running) {
      try {
        if (!(await this.ensureActive())) {
          this.healthy = true;
          failures = 0;
          await this.idle(this.settings.standbyIntervalMs, false);
          continue;
        }
        // After a lost session, read on from the stored checkpoint, not from memory: another instance may have
        // moved it meanwhile, and after a failover to a standby that had not received the last commits yet,
        // positions past the checkpoint can be taken again by new commits.
        if (this.sessionLost) {
          position = undefined;
          this.unstored = undefined;
          this.sessionLost = false;
        }
        position ??= (await store.readCheckpoint(subscriptionId)) ?? START_POSITION;
        const gathering = gatheringSince === undefined ? 0 : gatheringSince + (this.options.gatherMs ?? 0) - Date.now();
        if (gathering > 0) await this.idle(gathering, false);
        this.notified = false;
        const readAt = Date.now();
        const { events: batch, heldBack } = await store.readAllPage(position, { maxCount: batchSize });
        gatheringSince = this.options.gatherMs && batch.length > 0 && batch.length < batchSize ? readAt : undefined;
        const last = batch[batch.length - 1];
        this.healthy = true;
        // Committed events wait behind a transaction still running (of any service sharing the database): its end
        // notifies nobody, so read again soon, then less and less often, instead of after the poll interval.
        heldBackPolls = heldBack ? heldBackPolls + 1 : 0;
        if (!last) {
          failures = 0;
          await this.storeCheckpoint(false);
          await this.idle(this.pollDelayMs(heldBackPolls), true);
          continue;
        }
        await this.options.handle(batch);
        position = last.position;
        this.unstored = position;
        await this.storeCheckpoint(false);
        failures = 0;
        // A batch that was not cut at batchSize, with no notification since the read began: nothing was appended
        // since, so reading again at once would find nothing (one round trip per batch for nothing). Wait as after an
        // empty read: a notification wakes the loop at once, and the poll still covers events held behind the horizon.
        if (batch.length < batchSize && !this.notified) await this.idle(this.pollDelayMs(heldBackPolls), true);
      } catch (error) {
        this.healthy = false;
        // A failed round trip may have left the session in an unknown state (e.g. a half-open socket): start anew.
        if (isUnavailableError(error)) this.dropListener();
        this.options.onError?.(error);
        await this.idle(retryDelayMs(failures, minDelay, maxDelay), false);
        failures += 1;
      }
    }
  }

  /**
   * Stores the position of the last handled batch when it is not stored yet and `checkpointIntervalMs` has passed
   * since the last store (or at once, when `force`d or with no interval).
   */
  private async storeCheckpoint(force: boolean): Promise<void> {
    const position = this.unstored;
    if (!position) return;
    if (!force && Date.now() - this.storedAt < (this.options.checkpointIntervalMs ?? 0)) return;
    await this.settings.store.storeCheckpoint(this.options.subscriptionId, position);
    this.storedAt = Date.now();
    if (this.unstored === position) this.unstored = undefined;
  }

  /**
   * How long to wait before reading again when nothing new was seen: short for a while after a notification, and
   * shorter still while committed events wait behind a running transaction (`heldBackPolls` reads in a row saw them).
   */
  private pollDelayMs(heldBackPolls: number): number {
    if (heldBackPolls > 0) return Math.min(this.settings.pollIntervalMs, HELD_BACK_FIRST_POLL_MS * 2 ** (heldBackPolls - 1));
    const recent = Date.now() - this.lastWokenAt < QUIET_AFTER_MS;
    return recent ? this.settings.pollIntervalMs : Math.max(this.settings.pollIntervalMs, QUIET_POLL_INTERVAL_MS);
  }

  /** Connects the listening session and takes the per-subscription lock; false while another instance holds it. */
  private async ensureActive(): Promise<boolean> {
    if (!this.listener) {
      const client = await this.settings.pool.connect();
      client.on('error', (error) => {
        if (this.listener !== client) return;
        this.healthy = false;
        this.dropListener();
        this.options.onError?.(error);
      });
      client.on('notification', () => this.wake());
      this.listener = client;
      this.lastWokenAt = Date.now();
      this.isActive = false;
      try {
        await client.query(`LISTEN ${this.settings.channel}`);
      } catch (error) {
        if (this.listener === client) this.dropListener();
        throw error;
      }
    }
    if (!this.isActive) {
      const key = `pushmfa-event-store:${this.settings.schema}:${this.options.subscriptionId}`;
      const result = await this.listener.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [key]);
      this.isActive = result.rows[0]?.locked === true;
    }
    return this.isActive;
  }

  private dropListener(): void {
    const client = this.listener;
    if (!client) return;
    this.listener = undefined;
    this.isActive = false;
    this.sessionLost = true;
    // Destroying the connection releases its LISTEN and its session advisory lock together.
    client.release(true);
    this.wake();
  }

  private wake(): void {
    this.notified = true;
    this.lastWokenAt = Date.now();
    this.wakeIdle?.();
  }

  /** Sleeps until the timeout, stop(), or (when `wakeOnNotify`) a new-event notification. */
  private idle(ms: number, wakeOnNotify: boolean): Promise<void> {
    if (!this.running || (wakeOnNotify && this.notified)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeIdle = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeIdle = () => {
        if (!this.running || wakeOnNotify) done();
      };
    });
  }
}
