import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { WorkspaceSettings } from '@pushmfa/contracts';
import { RegistryPublication } from '../../publishing/registry-publication';
import { WorkspaceCommands } from '../workspace-commands';

export interface WorkspaceCreated {
  id: string;
  name: string;
  settings: WorkspaceSettings;
}

/** The operator creates a workspace (push starts disabled); answered once the relay published it. */
@Injectable()
export class CreateWorkspaceHandler {
  constructor(
    private readonly workspaces: WorkspaceCommands,
    private readonly publication: RegistryPublication,
  ) {}

  async execute(command: { name: string }): Promise<WorkspaceCreated> {
    const workspaceId = randomUUID();
    const result = await this.workspaces.execute(workspaceId, { type: 'CreateWorkspace', workspaceId, name: command.name });
    const { state } = result;
    if (state.status !== 'active') throw new Error('workspace was not created');
    await this.publication.published(result);
    return { id: workspaceId, name: state.name, settings: state.settings };
  }
}
