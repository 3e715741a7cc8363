import { Injectable } from '@nestjs/common';
import { DeciderCommandHandler, PostgresEventStore } from '@pushmfa/event-store';
import { currentCorrelationId } from '@pushmfa/observability';
import { currentTraceparent } from '@pushmfa/messaging';
import { ApiKeyDirectory } from '@pushmfa/workspace-access';
import { type WorkspaceCommand, workspaceDecider, type WorkspaceState } from './workspace.decider';
import { type WorkspaceEvent, workspaceEvents, workspaceStreamId } from './workspace.events';

/**
 * Runs workspace commands against the workspace stream, with the request's correlation and trace ids. An issued or
 * revoked API key is written to `registry.api_keys` in the transaction that appends its event (an inline projection),
 * so the key works, or is refused, from the moment the command answers.
 */
@Injectable()
export class WorkspaceCommands {
  private readonly handler: DeciderCommandHandler<WorkspaceState, WorkspaceCommand, WorkspaceEvent>;

  constructor(store: PostgresEventStore, apiKeys: ApiKeyDirectory) {
    this.handler = new DeciderCommandHandler(store, workspaceDecider, {
      events: workspaceEvents,
      projections: {
        inline: [
          {
            canHandle: ['ApiKeyIssued', 'ApiKeyRevoked'],
            handle: async (events, { client }) => {
              for (const event of events) {
                if (event.type === 'ApiKeyIssued') {
                  const { workspaceId, keyId, role, keyHash } = event.data;
                  await apiKeys.apply(client, { type: 'ApiKeyIssued', data: { workspaceId, keyId, role, keyHash } });
                } else if (event.type === 'ApiKeyRevoked') {
                  await apiKeys.apply(client, { type: 'ApiKeyRevoked', data: event.data });
                }
              }
            },
          },
        ],
      },
    });
  }

  execute(workspaceId: string, command: WorkspaceCommand) {
    return this.handler.handle(workspaceStreamId(workspaceId), command, {
      workspaceId,
      correlationId: currentCorrelationId(),
      traceparent: currentTraceparent(),
      occurredAt: new Date().toISOString(),
    });
  }

  async load(workspaceId: string): Promise<WorkspaceState> {
    return (await this.handler.load(workspaceStreamId(workspaceId))).state;
  }
}
