import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { Pool } from 'pg';
import { DeciderCommandHandler, PostgresEventStore, WrongExpectedRevisionError } from '@pushmfa/event-store';
import { runInSpan, startSpan } from '@pushmfa/observability';
import { CHALLENGE_CONFIG, CHALLENGE_DATABASE, CHALLENGE_SCHEMA } from '../../challenge.di-tokens';
import type { ChallengeConfig } from '../../config';
import { ChallengeProjection } from '../../read-models/challenge-projection';
import { IdempotencyKeys } from '../issuing/idempotency-keys';
import { ChallengeCommands } from '../challenge-commands';
import { pushChallengeDecider, type PushChallengeCommand, type PushChallengeState } from '../push-challenge.decider';
import { challengeStreamId, type PushChallengeEvent, pushChallengeEvents } from '../push-challenge.events';

const MAX_FIRINGS_PER_TICK = 200;
const MAX_BACKOFF_MS = 5_000;
const HOUSEKEEPING_INTERVAL_MS = 60_000;
/**
 * The longest the timer sleeps when no timer is due sooner: a challenge another instance issues meanwhile is due a
 * whole TTL later (at least 10 s), so it is still seen in time; an idle service looks once a second, not four times.
 */
const MAX_IDLE_SLEEP_MS = 1_000;

type Firing = { challengeId: string; events: PushChallengeEvent[] } | 'idle' | 'conflict';

/**
 * Appends `ChallengeExpired` when a challenge's deadline passes, judged by this server's clock. Due rows of
 * `expiry_timers` are claimed with `for update skip locked`, so instances share the work and a restart loses
 * nothing; the append names the revision read, so a decision racing the timer leaves exactly one outcome. Started
 * and stopped by the lifecycle (it needs the tables migrated and stops before HTTP closes).
 */
@Injectable()
export class ChallengeExpiryTimer {
  private readonly loader: DeciderCommandHandler<PushChallengeState, PushChallengeCommand, PushChallengeEvent>;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private lastHousekeepingMs = 0;

  constructor(
    @Inject(CHALLENGE_CONFIG) private readonly config: ChallengeConfig,
    @Inject(CHALLENGE_DATABASE) private readonly pool: Pool,
    private readonly store: PostgresEventStore,
    private readonly idempotencyKeys: IdempotencyKeys,
    private readonly projection: ChallengeProjection,
    private readonly commands: ChallengeCommands,
    private readonly logger: PinoLogger,
  ) {
    this.loader = new DeciderCommandHandler(store, pushChallengeDecider, { events: pushChallengeEvents });
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Ends the loop after the tick under way. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const nextDueInMs = await this.fireDueTimers();
        await this.keepHouse();
        failures = 0;
        await this.sleep(this.sleepMs(nextDueInMs));
      } catch (error) {
        failures++;
        this.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'expiry timer: store unavailable; will retry');
        await this.sleep(Math.min(MAX_BACKOFF_MS, 250 * 2 ** failures));
      }
    }
  }

  /**
   * Fires the timers due at `now`. Answers how long until the next one is due: 0 when it fired some (the next tick
   * looks again after the poll interval), Infinity when there is no timer at all.
   */
  async fireDueTimers(now = new Date()): Promise<number> {
    // An idle tick costs one read (the earliest due time, from the index) and no transaction.
    const { rows } = await this.pool.query<{ due_in_ms: number | null }>(
      `select (extract(epoch from (min(due_at) - $1::timestamptz)) * 1000)::float8 as due_in_ms from ${CHALLENGE_SCHEMA}.expiry_timers`,
      [now],
    );
    const dueInMs = rows[0]?.due_in_ms ?? Number.POSITIVE_INFINITY;
    if (dueInMs > 0) return dueInMs;
    for (let i = 0; i < MAX_FIRINGS_PER_TICK && this.running; i++) {
      const firing = await this.fireOne(now);
      if (firing === 'idle') break;
      if (firing !== 'conflict') await this.commands.wakeWaiters(firing.challengeId, firing.events);
    }
    return 0;
  }

  /** Until the next timer is due, never less than the poll interval, never more than MAX_IDLE_SLEEP_MS. */
  private sleepMs(nextDueInMs: number): number {
    const pollMs = this.config.expiryPollIntervalMs ?? 250;
    return Math.min(Math.max(pollMs, MAX_IDLE_SLEEP_MS), Math.max(pollMs, Math.ceil(nextDueInMs)));
  }

  private async fireOne(now: Date): Promise<Firing> {
    const s = CHALLENGE_SCHEMA;
    try {
      return await this.store.withTransaction(async (tx) => {
        // Plain SQL (the time as a literal), so BEGIN goes in the same round trip.
        const { rows } = await tx.client.query<{ challenge_id: string; workspace_id: string }>(
          `select challenge_id, workspace_id from ${s}.expiry_timers where due_at <= '${now.toISOString()}'::timestamptz order by due_at limit 1 for update skip locked`,
        );
        const row = rows[0];
        if (!row) return 'idle';
        const { state, revision } = await this.loader.load(challengeStreamId(row.challenge_id));
        const events = pushChallengeDecider.decide({ type: 'ExpireChallenge', now }, state);
        if (events.length > 0) {
          // A timer is a reaction with no request behind it: a span of its own gives the event its trace context.
          await runInSpan(startSpan('challenge expiry timer', { 'pushmfa.challenge.id': row.challenge_id }), () =>
            this.commands.append(tx, row.challenge_id, row.workspace_id, events, revision),
          );
        } else if (state.status === 'pending') {
          // Not due by the challenge's own deadline: wait for that.
          await tx.client.query(`update ${s}.expiry_timers set due_at = $2 where challenge_id = $1`, [row.challenge_id, state.expiresAt]);
        } else {
          await tx.client.query(`delete from ${s}.expiry_timers where challenge_id = $1`, [row.challenge_id]);
        }
        return { challengeId: row.challenge_id, events };
      }, 'expiry timer');
    } catch (error) {
      // A decision was appended meanwhile: the next claim of this row sees it.
      if (error instanceof WrongExpectedRevisionError) return 'conflict';
      throw error;
    }
  }

  /** Old idempotency keys and resolved challenges past the rate-limit window; idempotent, so every instance may run it. */
  private async keepHouse(): Promise<void> {
    if (Date.now() - this.lastHousekeepingMs < HOUSEKEEPING_INTERVAL_MS) return;
    this.lastHousekeepingMs = Date.now();
    await this.idempotencyKeys.purgeExpired(this.pool);
    await this.projection.purgeResolved(this.pool, new Date());
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
