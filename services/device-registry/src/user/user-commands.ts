import { Inject, Injectable } from '@nestjs/common';
import { DeciderCommandHandler, type EventMetadata, type HandleResult, PostgresEventStore } from '@pushmfa/event-store';
import { currentTraceparent, ViewFreshness } from '@pushmfa/messaging';
import { currentCorrelationId } from '@pushmfa/observability';
import { PUSH_LOCK_FRESHNESS } from '../device-registry.di-tokens';
import { PushLockView } from './push-lock-view/push-lock-view';
import { type UserCommand, userDecider, type UserState } from './user.decider';
import { type UserEvent, userEvents, userStreamId } from './user.events';

/** Runs user commands against the user stream of one workspace. */
@Injectable()
export class UserCommands {
  private readonly handler: DeciderCommandHandler<UserState, UserCommand, UserEvent>;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly pushLocks: PushLockView,
    @Inject(PUSH_LOCK_FRESHNESS) private readonly pushLockFreshness: ViewFreshness,
  ) {
    this.handler = new DeciderCommandHandler(store, userDecider, {
      events: userEvents,
      projections: {
        // A lift leaves the registry's push-lock view in the append's transaction: a second lift answers 404 at once.
        inline: [
          {
            canHandle: ['PushLockLifted'],
            handle: (events, { client }) =>
              pushLocks.applyLifted(
                client,
                String(events[0]?.metadata.workspaceId ?? ''),
                events.flatMap((event) => (event.type === 'PushLockLifted' ? [event.data] : [])),
              ),
          },
        ],
      },
    });
  }

  execute(workspaceId: string, command: UserCommand) {
    return this.handler.handle(userStreamId(workspaceId, command.userId), command, metadataOf(workspaceId));
  }

  /**
   * Lifts the user's push lock for an admin key. First the push-lock view is shown current (it has applied the
   * challenge topic up to its end now, else `unavailable`), so a lock recorded before the call is seen; then, in one
   * transaction, the lock in force read (and held) from the view, the decision (`not_found` when push is not locked),
   * PushLockLifted appended, the view updated.
   */
  async liftPushLock(workspaceId: string, userId: string, liftedBy: string): Promise<HandleResult<UserState, UserEvent>> {
    await this.pushLockFreshness.awaitCurrent();
    const streamId = userStreamId(workspaceId, userId);
    const metadata = metadataOf(workspaceId);
    return this.handler.retry(streamId, () =>
      this.store.withTransaction(async (tx) => {
        const now = new Date();
        const lock = await this.pushLocks.inForce(tx.client, workspaceId, userId, now, { forUpdate: true });
        return this.handler.handleIn(tx, streamId, { type: 'LiftPushLock', userId, lock, liftedBy, now }, metadata);
      }, 'push lock lift'),
    );
  }
}

function metadataOf(workspaceId: string): EventMetadata {
  return { workspaceId, correlationId: currentCorrelationId(), traceparent: currentTraceparent(), occurredAt: new Date().toISOString() };
}
