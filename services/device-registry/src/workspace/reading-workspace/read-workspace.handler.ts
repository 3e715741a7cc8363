import { Injectable } from '@nestjs/common';
import { DomainError } from '@pushmfa/event-store';
import { WorkspaceCommands } from '../workspace-commands';

/** The caller's workspace and its settings. Raises `not_found` for a workspace that does not exist (or no longer). */
@Injectable()
export class ReadWorkspaceHandler {
  constructor(private readonly workspaces: WorkspaceCommands) {}

  async execute({ workspaceId }: { workspaceId: string }) {
    const state = await this.workspaces.load(workspaceId);
    if (state.status !== 'active') throw new DomainError('not_found', 'no such workspace');
    return { id: state.workspaceId, name: state.name, settings: state.settings };
  }
}
