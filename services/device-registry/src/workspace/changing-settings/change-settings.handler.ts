import { Injectable } from '@nestjs/common';
import type { WorkspaceSettings } from '@pushmfa/contracts';
import { DomainError } from '@pushmfa/event-store';
import { RegistryPublication } from '../../publishing/registry-publication';
import { WorkspaceCommands } from '../workspace-commands';

export interface ChangeSettings {
  workspaceId: string;
  changes: Partial<WorkspaceSettings>;
  /** The admin key that changed them. */
  keyId: string;
}

/**
 * An admin changes the workspace's settings; answered with the settings in force once the relay published them
 * (the challenge service applies them from the next request). Raises `not_found` for a workspace not active.
 */
@Injectable()
export class ChangeSettingsHandler {
  constructor(
    private readonly workspaces: WorkspaceCommands,
    private readonly publication: RegistryPublication,
  ) {}

  async execute(command: ChangeSettings): Promise<WorkspaceSettings> {
    const result = await this.workspaces.execute(command.workspaceId, {
      type: 'ChangeSettings',
      changes: command.changes,
      actor: { kind: 'admin', keyId: command.keyId },
    });
    const { state } = result;
    if (state.status !== 'active') throw new DomainError('not_found', 'no such workspace');
    await this.publication.published(result);
    return state.settings;
  }
}
