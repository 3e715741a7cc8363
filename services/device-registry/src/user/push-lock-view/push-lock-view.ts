import type { Pool, PoolClient } from 'pg';
import type { ContractEnvelope } from '@pushmfa/contracts';
import type { PushLockInForce, PushLockReason } from '../user.decider';

/** The consumer group that keeps the view (InboundEventsConsumer); its committed offsets show how current the view is. */
export const PUSH_LOCK_VIEW_CONSUMER = 'device-registry.push-locks';

/** The locking events of `pushmfa.challenge.v1` this view reads. */
export const PUSH_LOCK_EVENT_TYPES = ['FraudReported', 'PushLocked'] as const;

type LockingEnvelope = ContractEnvelope<(typeof PUSH_LOCK_EVENT_TYPES)[number]>;

/**
 * The registry's view of users' push locks (`push_locks`), learned from the challenge topic (FraudReported,
 * PushLocked) and kept per user as the challenge service keeps it: the longer lock wins, with its reason and challenge.
 * An admin's lift (PushLockLifted, written inline by the user's commands) removes the lock it names; a lock of another
 * challenge recorded after it stays. Whether push is locked for a user is read here, and nowhere else in the registry.
 */
export class PushLockView {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  async migrate(client: Pool | PoolClient = this.pool): Promise<void> {
    await client.query(`
      create table if not exists ${this.schema}.push_locks (
        workspace_id text not null,
        user_id text not null,
        reason text not null,
        locked_until timestamptz not null,
        challenge_id text,
        locked_at timestamptz not null,
        primary key (workspace_id, user_id)
      );`);
  }

  /** Applies a batch of locking events in the consumer's transaction, in one statement; idempotent. */
  async applyLocks(client: PoolClient, envelopes: readonly ContractEnvelope[]): Promise<void> {
    const rows = envelopes.filter(isLocking).map((envelope) => ({
      workspace_id: envelope.workspaceId,
      user_id: envelope.data.userId,
      reason: envelope.type === 'FraudReported' ? 'fraud_report' : envelope.data.reason,
      locked_until: envelope.data.lockedUntil,
      challenge_id: envelope.data.challengeId,
      locked_at: envelope.occurredAt,
    }));
    if (rows.length === 0) return;
    const s = this.schema;
    // One row per user (the longest lock of the batch): a statement may not update one row twice.
    await client.query(
      `insert into ${s}.push_locks (workspace_id, user_id, reason, locked_until, challenge_id, locked_at)
       select distinct on (workspace_id, user_id) workspace_id, user_id, reason, locked_until, challenge_id, locked_at
         from jsonb_to_recordset($1::jsonb) as x(workspace_id text, user_id text, reason text, locked_until timestamptz, challenge_id text, locked_at timestamptz)
         order by workspace_id, user_id, locked_until desc
       on conflict (workspace_id, user_id) do update set
         reason = case when excluded.locked_until > ${s}.push_locks.locked_until then excluded.reason else ${s}.push_locks.reason end,
         challenge_id = case when excluded.locked_until > ${s}.push_locks.locked_until then excluded.challenge_id else ${s}.push_locks.challenge_id end,
         locked_at = case when excluded.locked_until > ${s}.push_locks.locked_until then excluded.locked_at else ${s}.push_locks.locked_at end,
         locked_until = greatest(${s}.push_locks.locked_until, excluded.locked_until)`,
      [JSON.stringify(rows)],
    );
  }

  /** Whether push is locked for the user at `now`, as far as the view has read (sign-in options). */
  async isLocked(workspaceId: string, userId: string, now: Date): Promise<boolean> {
    return (await this.inForce(this.pool, workspaceId, userId, now)) !== null;
  }

  /**
   * The user's push lock when it lasts past `now`, else null. `forUpdate`: in a command's transaction, holds the row
   * so a lock arriving meanwhile is applied after the command (and, naming another challenge, stays).
   */
  async inForce(
    client: Pool | PoolClient,
    workspaceId: string,
    userId: string,
    now: Date,
    options: { forUpdate?: boolean } = {},
  ): Promise<PushLockInForce | null> {
    const { rows } = await client.query<{ reason: PushLockReason; locked_until: Date; challenge_id: string | null }>(
      `select reason, locked_until, challenge_id from ${this.schema}.push_locks
        where workspace_id = $1 and user_id = $2 and locked_until > $3${options.forUpdate ? ' for update' : ''}`,
      [workspaceId, userId, now],
    );
    const row = rows[0];
    if (!row) return null;
    return { reason: row.reason, lockedUntil: row.locked_until.toISOString(), ...(row.challenge_id ? { challengeId: row.challenge_id } : {}) };
  }

  /** Lifts the locks named (inline, in the lift's append transaction): only a lock of the challenge the admin lifted. */
  async applyLifted(client: PoolClient, workspaceId: string, lifted: readonly { userId: string; challengeId?: string }[]): Promise<void> {
    if (lifted.length === 0) return;
    const rows = lifted.map((lift) => ({ user_id: lift.userId, challenge_id: lift.challengeId ?? null }));
    await client.query(
      `delete from ${this.schema}.push_locks p using jsonb_to_recordset($2::jsonb) as x(user_id text, challenge_id text)
        where p.workspace_id = $1 and p.user_id = x.user_id and p.challenge_id is not distinct from x.challenge_id`,
      [workspaceId, JSON.stringify(rows)],
    );
  }
}

function isLocking(envelope: ContractEnvelope): envelope is LockingEnvelope {
  return envelope.type === 'FraudReported' || envelope.type === 'PushLocked';
}
