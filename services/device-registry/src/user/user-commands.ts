import { Injectable } from '@nestjs/common';
import { DeciderCommandHandler } from '@pushmfa/event-store';
import { currentTraceparent } from '@pushmfa/messaging';
import { currentCorrelationId } from '@pushmfa/observability';
import { RegistryRuntime } from '../registry-runtime';
import { type UserCommand, userDecider, type UserState } from './user.decider';
import { type UserEvent, userEvents, userStreamId } from './user.events';

/** Runs user commands against the user stream of one workspace. */
@Injectable()
export class UserCommands {
  private readonly handler: DeciderCommandHandler<UserState, UserCommand, UserEvent>;

  constructor(runtime: RegistryRuntime) {
    this.handler = new DeciderCommandHandler(runtime.store, userDecider, { events: userEvents });
  }

  execute(workspaceId: string, command: UserCommand) {
    return this.handler.handle(userStreamId(workspaceId, command.userId), command, {
      workspaceId,
      correlationId: currentCorrelationId(),
      traceparent: currentTraceparent(),
      occurredAt: new Date().toISOString(),
    });
  }
}
