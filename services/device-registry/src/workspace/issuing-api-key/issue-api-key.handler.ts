import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError } from '@pushmfa/event-store';
import { generateApiKey, hashApiKey } from '@pushmfa/workspace-access';
import { RegistryPublication } from '../../publishing/registry-publication';
import { WorkspaceCommands } from '../workspace-commands';

export interface IssueApiKey {
  workspaceId: string;
  role: 'platform' | 'admin';
  label?: string;
}

export interface ApiKeyIssued {
  id: string;
  role: 'platform' | 'admin';
  label?: string;
  /** The key itself: shown this once; only its SHA-256 is kept, here and on Kafka. */
  key: string;
}

/** The operator issues a platform or admin key. Raises `not_found` for a workspace that does not exist. */
@Injectable()
export class IssueApiKeyHandler {
  constructor(
    private readonly workspaces: WorkspaceCommands,
    private readonly publication: RegistryPublication,
  ) {}

  async execute(command: IssueApiKey): Promise<ApiKeyIssued> {
    const { workspaceId, role, label } = command;
    if (!/^[0-9a-f-]{36}$/.test(workspaceId)) throw new DomainError('not_found', 'no such workspace');
    const key = generateApiKey(role);
    const keyId = randomUUID();
    const result = await this.workspaces.execute(workspaceId, { type: 'IssueApiKey', keyId, role, keyHash: hashApiKey(key), ...(label ? { label } : {}) });
    // Shown only once every service can know it. Should this time out (503), the key was never shown: nobody holds it.
    await this.publication.published(result);
    return { id: keyId, role, ...(label ? { label } : {}), key };
  }
}
