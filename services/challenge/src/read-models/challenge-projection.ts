import type { Pool, PoolClient } from 'pg';
import type { PushChallengeEvent } from '../push-challenge/push-challenge.events';

/** Days an IP address or application a user approved from stays known to the `risk` number matching style. */
export const RISK_ORIGIN_MEMORY_DAYS = 90;

/** What `user_risk_marks` records per user: the last time of each. */
export type RiskMarkKind = 'denial' | 'fraud_report' | 'rate_limit' | 'approval';

/** An upsert of one user's risk mark, for a CTE of a statement that already runs (values are SQL expressions). */
function riskMarkSql(s: string, workspaceId: string, userId: string, kind: string, at: string): string {
  return `insert into ${s}.user_risk_marks (workspace_id, user_id, kind, last_at) values (${workspaceId}, ${userId}, ${kind}, ${at})
          on conflict (workspace_id, user_id, kind) do update set last_at = greatest(${s}.user_risk_marks.last_at, excluded.last_at)`;
}

/**
 * Tables kept from the challenge stream inside the transaction that appends to it, so they never lag the store:
 * `challenge_list` (the app's Pending tab and, with `challenge_resends`, the per-user push budget and spacing),
 * `expiry_timers` (due challenges for the expiry timer), `push_locks` (users locked after a fraud report or
 * repeated wrong numbers, with the reason, the challenge and when it was recorded, until it runs out or an admin lifts
 * it: PushLockLifted of the registry, applied by the registry view with liftPushLocksSql), `number_mismatch_streaks`
 * (wrong numbers in a row per user), `offline_code_failures` (wrong offline codes in a row per user) and
 * `offline_code_uses` (the last time step whose offline code approved, per device, so a code works once). The number to match is never copied here.
 */
export class ChallengeProjection {
  constructor(private readonly schema: string) {}

  async migrate(client: Pool | PoolClient): Promise<void> {
    const s = this.schema;
    await client.query(`
      create table if not exists ${s}.challenge_list (
        challenge_id text primary key,
        workspace_id text not null,
        user_id text not null,
        status text not null,
        created_at timestamptz not null,
        expires_at timestamptz not null,
        context jsonb not null,
        number_match_required boolean not null
      );
      create index if not exists challenge_list_by_user on ${s}.challenge_list (workspace_id, user_id, created_at desc);
      create table if not exists ${s}.expiry_timers (challenge_id text primary key, workspace_id text not null, due_at timestamptz not null);
      create index if not exists expiry_timers_by_due on ${s}.expiry_timers (due_at);
      create table if not exists ${s}.push_locks (
        workspace_id text not null,
        user_id text not null,
        locked_until timestamptz not null,
        primary key (workspace_id, user_id)
      );
      alter table ${s}.push_locks add column if not exists reason text not null default 'fraud_report';
      alter table ${s}.push_locks add column if not exists challenge_id text;
      alter table ${s}.push_locks add column if not exists locked_at timestamptz;
      create table if not exists ${s}.challenge_resends (
        challenge_id text not null,
        attempt int not null,
        workspace_id text not null,
        user_id text not null,
        requested_at timestamptz not null,
        primary key (challenge_id, attempt)
      );
      create index if not exists challenge_resends_by_user on ${s}.challenge_resends (workspace_id, user_id, requested_at desc);
      create table if not exists ${s}.number_mismatch_streaks (
        workspace_id text not null,
        user_id text not null,
        mismatches int not null,
        primary key (workspace_id, user_id)
      );
      create table if not exists ${s}.offline_code_failures (
        workspace_id text not null,
        user_id text not null,
        failures int not null,
        primary key (workspace_id, user_id)
      );
      create table if not exists ${s}.offline_code_uses (device_id text primary key, workspace_id text not null, last_step bigint not null);
      alter table ${s}.challenge_list add column if not exists number_choices jsonb;
      create table if not exists ${s}.user_risk_marks (
        workspace_id text not null,
        user_id text not null,
        kind text not null,
        last_at timestamptz not null,
        primary key (workspace_id, user_id, kind)
      );
      create table if not exists ${s}.user_approved_origins (
        workspace_id text not null,
        user_id text not null,
        kind text not null,
        value text not null,
        last_approved_at timestamptz not null,
        primary key (workspace_id, user_id, kind, value)
      );`);
  }

  /** Drops rows no reader needs: resolved challenges older than the rate-limit window. */
  async purgeResolved(pool: Pool, now: Date): Promise<void> {
    const windowStart = new Date(now.getTime() - 10 * 60_000);
    await pool.query(`delete from ${this.schema}.challenge_list where status <> 'pending' and created_at < $1`, [windowStart]);
    await pool.query(`delete from ${this.schema}.challenge_resends where requested_at < $1`, [windowStart]);
    // Risk signals look back 24 hours (denials, fraud reports, rate-limit hits; the last approval is kept as long as
    // the user has one); an origin nobody approved from in RISK_ORIGIN_MEMORY_DAYS counts as new again.
    await pool.query(`delete from ${this.schema}.user_risk_marks where kind <> 'approval' and last_at < $1`, [new Date(now.getTime() - 24 * 3_600_000)]);
    await pool.query(`delete from ${this.schema}.user_approved_origins where last_approved_at < $1`, [
      new Date(now.getTime() - RISK_ORIGIN_MEMORY_DAYS * 86_400_000),
    ]);
  }

  /**
   * The rows of many challenges just issued (group commit), in the issuing transaction: one statement for the Pending
   * tab's rows and the expiry timers of them all, instead of one per challenge.
   */
  async applyIssued(client: PoolClient, issued: ReadonlyArray<Extract<PushChallengeEvent, { type: 'ChallengeIssued' }>['data']>): Promise<void> {
    if (issued.length === 0) return;
    const s = this.schema;
    const rows = issued.map((d) => ({
      challenge_id: d.challengeId,
      workspace_id: d.workspaceId,
      user_id: d.userId,
      created_at: d.createdAt,
      expires_at: d.expiresAt,
      context: d.context,
      number_match_required: d.numberMatch !== undefined,
      number_choices: d.numberChoices ?? null,
    }));
    await client.query(
      `with input as (
         select * from jsonb_to_recordset($1::jsonb) as x(challenge_id text, workspace_id text, user_id text, created_at timestamptz,
           expires_at timestamptz, context jsonb, number_match_required boolean, number_choices jsonb)
       ), listed as (
         insert into ${s}.challenge_list (challenge_id, workspace_id, user_id, status, created_at, expires_at, context, number_match_required, number_choices)
         select challenge_id, workspace_id, user_id, 'pending', created_at, expires_at, context, number_match_required, number_choices from input
         on conflict (challenge_id) do nothing
       )
       insert into ${s}.expiry_timers (challenge_id, workspace_id, due_at) select challenge_id, workspace_id, expires_at from input
       on conflict (challenge_id) do nothing`,
      [JSON.stringify(rows)],
    );
  }

  /** Applies events just appended, in the appending transaction. */
  async apply(client: PoolClient, workspaceId: string, events: readonly PushChallengeEvent[]): Promise<void> {
    const s = this.schema;
    for (const event of events) {
      switch (event.type) {
        case 'ChallengeIssued': {
          const d = event.data;
          // Both rows in one statement: this runs inside the issuing transaction, which holds the user's lock.
          await client.query(
            `with listed as (
               insert into ${s}.challenge_list (challenge_id, workspace_id, user_id, status, created_at, expires_at, context, number_match_required, number_choices)
               values ($1, $2, $3, 'pending', $4, $5, $6, $7, $8) on conflict (challenge_id) do nothing
             )
             insert into ${s}.expiry_timers (challenge_id, workspace_id, due_at) values ($1, $2, $5) on conflict (challenge_id) do nothing`,
            [d.challengeId, d.workspaceId, d.userId, d.createdAt, d.expiresAt, d.context, d.numberMatch !== undefined, JSON.stringify(d.numberChoices ?? null)],
          );
          break;
        }
        case 'ChallengeApproved':
        case 'ChallengeDenied':
        case 'ChallengeCancelled':
        case 'ChallengeExpired': {
          const status = { ChallengeApproved: 'approved', ChallengeDenied: 'denied', ChallengeCancelled: 'cancelled', ChallengeExpired: 'expired' }[event.type];
          // Skip a timer row the expiry timer holds: it finds the challenge resolved and removes the row itself (no deadlock).
          // An approval also ends the user's wrong-number streak, in the same statement (one round trip).
          if (event.type === 'ChallengeApproved') {
            // An approval ends the wrong-offline-code streak too; one approved with an offline code uses its time step up.
            await client.query(
              `with listed as (update ${s}.challenge_list set status = $2 where challenge_id = $1),
                    streak as (delete from ${s}.number_mismatch_streaks where workspace_id = $3 and user_id = $4),
                    failures as (delete from ${s}.offline_code_failures where workspace_id = $3 and user_id = $4),
                    used as (
                      insert into ${s}.offline_code_uses (device_id, workspace_id, last_step) select $5, $3, $6::bigint where $6::bigint is not null
                      on conflict (device_id) do update set last_step = greatest(${s}.offline_code_uses.last_step, excluded.last_step)
                    ),
                    approval as (${riskMarkSql(s, '$3', '$4', "'approval'", '$7')}),
                    origins as (
                      insert into ${s}.user_approved_origins (workspace_id, user_id, kind, value, last_approved_at)
                      select $3, $4, o.kind, o.value, $7 from ${s}.challenge_list c
                        cross join lateral (values ('ip', lower(c.context->>'ipAddress')), ('application', c.context->>'application')) as o(kind, value)
                       where c.challenge_id = $1 and o.value is not null
                      on conflict (workspace_id, user_id, kind, value) do update
                        set last_approved_at = greatest(${s}.user_approved_origins.last_approved_at, excluded.last_approved_at)
                    )
               delete from ${s}.expiry_timers where challenge_id = (select challenge_id from ${s}.expiry_timers where challenge_id = $1 for update skip locked)`,
              [event.data.challengeId, status, workspaceId, event.data.userId, event.data.deviceId, event.data.offlineCodeStep ?? null, event.data.resolvedAt],
            );
            break;
          }
          if (event.type === 'ChallengeDenied') {
            // A denial is a risk signal for the user's next 24 hours (the `risk` number matching style).
            await client.query(
              `with listed as (update ${s}.challenge_list set status = $2 where challenge_id = $1),
                    marked as (${riskMarkSql(s, '$3', '$4', "'denial'", '$5')})
               delete from ${s}.expiry_timers where challenge_id = (select challenge_id from ${s}.expiry_timers where challenge_id = $1 for update skip locked)`,
              [event.data.challengeId, status, workspaceId, event.data.userId, event.data.resolvedAt],
            );
          } else {
            await client.query(
              `with listed as (update ${s}.challenge_list set status = $2 where challenge_id = $1)
               delete from ${s}.expiry_timers where challenge_id = (select challenge_id from ${s}.expiry_timers where challenge_id = $1 for update skip locked)`,
              [event.data.challengeId, status],
            );
          }
          // Wrong numbers in a row per user: a mismatch adds one, the right number starts again from none.
          if (event.type === 'ChallengeDenied' && event.data.reason === 'number_mismatch') {
            await client.query(
              `insert into ${s}.number_mismatch_streaks (workspace_id, user_id, mismatches) values ($1, $2, 1)
               on conflict (workspace_id, user_id) do update set mismatches = ${s}.number_mismatch_streaks.mismatches + 1`,
              [workspaceId, event.data.userId],
            );
          }
          break;
        }
        case 'FraudReported':
          await this.lock(client, workspaceId, event.data.userId, event.data.lockedUntil, 'fraud_report', event.data.challengeId);
          await this.markRisk(client, [{ workspaceId, userId: event.data.userId }], 'fraud_report', new Date());
          break;
        case 'PushLocked':
          await this.lock(client, workspaceId, event.data.userId, event.data.lockedUntil, event.data.reason, event.data.challengeId);
          await this.endStreak(client, workspaceId, event.data.userId);
          break;
        case 'ChallengeResendRequested':
          await client.query(
            `insert into ${s}.challenge_resends (challenge_id, attempt, workspace_id, user_id, requested_at) values ($1, $2, $3, $4, coalesce($5::timestamptz, now()))
             on conflict do nothing`,
            [event.data.challengeId, event.data.attempt, workspaceId, event.data.userId, event.data.requestedAt ?? null],
          );
          break;
        case 'ChallengeReceived':
          break;
        case 'OfflineCodeRejected':
          await client.query(
            `insert into ${s}.offline_code_failures (workspace_id, user_id, failures) values ($1, $2, 1)
             on conflict (workspace_id, user_id) do update set failures = ${s}.offline_code_failures.failures + 1`,
            [workspaceId, event.data.userId],
          );
          break;
        default: {
          const unexpected: never = event;
          throw new Error(`unhandled challenge event ${String(unexpected)}`);
        }
      }
    }
  }

  /**
   * Records that `kind` happened to each user at `at` (the latest time is kept): `denial`, `fraud_report`,
   * `rate_limit` (a request refused over the user's limit) or `approval`, for the `risk` number matching style.
   */
  async markRisk(
    client: Pick<PoolClient, 'query'>,
    users: ReadonlyArray<{ workspaceId: string; userId: string }>,
    kind: RiskMarkKind,
    at: Date,
  ): Promise<void> {
    if (users.length === 0) return;
    const s = this.schema;
    await client.query(
      `insert into ${s}.user_risk_marks (workspace_id, user_id, kind, last_at)
       select distinct u.workspace_id, u.user_id, $3, $4::timestamptz from unnest($1::text[], $2::text[]) as u(workspace_id, user_id)
       on conflict (workspace_id, user_id, kind) do update set last_at = greatest(${s}.user_risk_marks.last_at, excluded.last_at)`,
      [users.map((u) => u.workspaceId), users.map((u) => u.userId), kind, at],
    );
  }

  /** The longer lock wins; its reason, challenge and time of recording go with it. */
  private async lock(client: PoolClient, workspaceId: string, userId: string, lockedUntil: string, reason: string, challengeId: string): Promise<void> {
    const s = this.schema;
    await client.query(
      `insert into ${s}.push_locks (workspace_id, user_id, locked_until, reason, challenge_id, locked_at) values ($1, $2, $3, $4, $5, now())
       on conflict (workspace_id, user_id) do update set
         locked_at = case when excluded.locked_until > ${s}.push_locks.locked_until then excluded.locked_at else ${s}.push_locks.locked_at end,
         reason = case when excluded.locked_until > ${s}.push_locks.locked_until then excluded.reason else ${s}.push_locks.reason end,
         challenge_id = case when excluded.locked_until > ${s}.push_locks.locked_until then excluded.challenge_id else ${s}.push_locks.challenge_id end,
         locked_until = greatest(${s}.push_locks.locked_until, excluded.locked_until)`,
      [workspaceId, userId, lockedUntil, reason, challengeId],
    );
  }

  /** A lock ends the user's streaks of wrong answers, numbers and offline codes: each counts from none again. */
  private async endStreak(client: PoolClient, workspaceId: string, userId: string): Promise<void> {
    const s = this.schema;
    await client.query(
      `with failures as (delete from ${s}.offline_code_failures where workspace_id = $1 and user_id = $2)
       delete from ${s}.number_mismatch_streaks where workspace_id = $1 and user_id = $2`,
      [workspaceId, userId],
    );
  }
}
