import { Injectable } from '@nestjs/common';
import { DeciderCommandHandler, type EventMetadata, PostgresEventStore } from '@pushmfa/event-store';
import { currentTraceparent } from '@pushmfa/messaging';
import { currentCorrelationId } from '@pushmfa/observability';
import { PoolDirectory } from './pool-directory';
import { type PoolCommand, poolDecider, type PoolMembershipCommand, poolMembershipDecider, type PoolMembershipState, type PoolsState } from './pool.decider';
import { type PoolEvent, poolEvents, type PoolMembershipEvent, poolMembershipEvents, poolMembershipStreamId, poolsStreamId } from './pool.events';

/**
 * Runs pool commands on a workspace's pools stream and membership commands on a user's membership stream; the rows
 * that sign-in options and deletions read (PoolDirectory) are written in the append's transaction.
 */
@Injectable()
export class PoolCommands {
  private readonly pools: DeciderCommandHandler<PoolsState, PoolCommand, PoolEvent>;
  private readonly memberships: DeciderCommandHandler<PoolMembershipState, PoolMembershipCommand, PoolMembershipEvent>;

  constructor(store: PostgresEventStore, directory: PoolDirectory) {
    this.pools = new DeciderCommandHandler(store, poolDecider, {
      events: poolEvents,
      projections: {
        inline: [
          {
            handle: async (events, { client }) => {
              for (const event of events) await directory.applyPoolEvent(client, String(event.metadata.workspaceId), event);
            },
          },
        ],
      },
    });
    this.memberships = new DeciderCommandHandler(store, poolMembershipDecider, {
      events: poolMembershipEvents,
      projections: {
        inline: [
          {
            handle: async (events, { client }) => {
              for (const event of events) await directory.applyMembership(client, String(event.metadata.workspaceId), event);
            },
          },
        ],
      },
    });
  }

  execute(workspaceId: string, command: PoolCommand) {
    return this.pools.handle(poolsStreamId(workspaceId), command, metadataOf(workspaceId));
  }

  assign(workspaceId: string, command: PoolMembershipCommand) {
    return this.memberships.handle(poolMembershipStreamId(workspaceId, command.userId), command, metadataOf(workspaceId));
  }

  async load(workspaceId: string): Promise<PoolsState> {
    return (await this.pools.load(poolsStreamId(workspaceId))).state;
  }
}

function metadataOf(workspaceId: string): EventMetadata {
  return { workspaceId, correlationId: currentCorrelationId(), traceparent: currentTraceparent(), occurredAt: new Date().toISOString() };
}
