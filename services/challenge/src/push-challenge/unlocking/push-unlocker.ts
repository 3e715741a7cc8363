import { Injectable } from '@nestjs/common';
import { DeciderCommandHandler } from '@pushmfa/event-store';
import { ChallengeRuntime } from '../../challenge-runtime';
import { pushLockInForceSql } from '../../read-models/user-push-history.query';
import { metadataOf, readModelsOf } from '../challenge-commands';
import { userLockSql } from '../issuing/issue-admission';
import { type PushLockReason, type PushUserEvent, pushUserEvents, pushUserStreamId } from '../push-challenge.events';
import { type PushLockInForce, type PushUserCommand, pushUserDecider, type PushUserState } from './push-user.decider';

/**
 * Lifts a user's push lock for the help desk. In one transaction: the user's lock (the one issuing, resending and
 * responding take, so an unlock and a new lock are decided one after the other), the push lock in force, the decision,
 * PushUnlocked appended to the user's push stream, and the read models updated (lock and wrong-number streak gone).
 */
@Injectable()
export class PushUnlocker {
  private readonly handler: DeciderCommandHandler<PushUserState, PushUserCommand, PushUserEvent>;

  constructor(private readonly runtime: ChallengeRuntime) {
    this.handler = new DeciderCommandHandler(runtime.store, pushUserDecider, { events: pushUserEvents, projections: readModelsOf(runtime) });
  }

  /** Throws `not_found` (DomainError) when push is not locked for the user of `workspaceId`. */
  async unlock(workspaceId: string, userId: string, keyId: string): Promise<PushUserEvent> {
    const streamId = pushUserStreamId(workspaceId, userId);
    const metadata = metadataOf(workspaceId);
    return this.handler.retry(streamId, () =>
      this.runtime.store.withTransaction(async (tx) => {
        const now = new Date();
        const user = { workspaceId: tx.client.escapeLiteral(workspaceId), userId: tx.client.escapeLiteral(userId) };
        await tx.client.query(userLockSql(tx.client, { workspaceId, userId }));
        const { rows } = await tx.client.query<{ reason: PushLockReason; locked_until: Date; challenge_id: string | null }>(
          pushLockInForceSql(this.runtime.schema, user, tx.client.escapeLiteral(now.toISOString())),
        );
        const row = rows[0];
        const lock: PushLockInForce | null = row
          ? { reason: row.reason, lockedUntil: row.locked_until.toISOString(), ...(row.challenge_id ? { challengeId: row.challenge_id } : {}) }
          : null;
        const current = await this.handler.loadIn(tx, streamId);
        const { newEvents } = await this.handler.handleIn(tx, streamId, { type: 'UnlockPush', userId, lock, keyId, now }, metadata, current);
        return newEvents[0]!;
      }, 'push unlock'),
    );
  }
}
