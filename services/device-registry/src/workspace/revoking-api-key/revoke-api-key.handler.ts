import { Injectable } from '@nestjs/common';
import { DomainError } from '@pushmfa/event-store';
import { RegistryPublication } from '../../publishing/registry-publication';
import { WorkspaceCommands } from '../workspace-commands';

const UUID = /^[0-9a-f-]{36}$/;

/**
 * The operator revokes an API key: answered once the relay published the revocation, so every service refuses the
 * key from then on. Raises `not_found` for a workspace or key that does not exist.
 */
@Injectable()
export class RevokeApiKeyHandler {
  constructor(
    private readonly workspaces: WorkspaceCommands,
    private readonly publication: RegistryPublication,
  ) {}

  async execute(command: { workspaceId: string; keyId: string }): Promise<void> {
    const { workspaceId, keyId } = command;
    if (!UUID.test(workspaceId) || !UUID.test(keyId)) throw new DomainError('not_found', 'no such API key');
    const result = await this.workspaces.execute(workspaceId, { type: 'RevokeApiKey', keyId });
    await this.publication.published(result);
  }
}
