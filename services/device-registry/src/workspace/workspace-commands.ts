import { Injectable } from '@nestjs/common';
import { DeciderCommandHandler } from '@pushmfa/event-store';
import { currentCorrelationId } from '@pushmfa/observability';
import { currentTraceparent } from '@pushmfa/messaging';
import { RegistryRuntime } from '../registry-runtime';
import { type WorkspaceCommand, workspaceDecider, type WorkspaceState } from './workspace.decider';
import { type WorkspaceEvent, workspaceEvents, workspaceStreamId } from './workspace.events';

/** Runs workspace commands against the workspace stream, with the request's correlation and trace ids. */
@Injectable()
export class WorkspaceCommands {
  private readonly handler: DeciderCommandHandler<WorkspaceState, WorkspaceCommand, WorkspaceEvent>;

  constructor(runtime: RegistryRuntime) {
    this.handler = new DeciderCommandHandler(runtime.store, workspaceDecider, { events: workspaceEvents });
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
