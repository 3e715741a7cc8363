import type { ContractEnvelope } from '@pushmfa/contracts';
import type { ApiKeyDirectory } from '@pushmfa/workspace-access';
import type { PgInbox } from '@pushmfa/postgres';

export const API_KEY_CONSUMER = 'reporting.api-keys';

/** Learns which key hashes may read which workspace's report, from ApiKeyIssued / ApiKeyRevoked. */
export class ApiKeyProjection {
  constructor(
    private readonly inbox: PgInbox,
    private readonly directory: ApiKeyDirectory,
  ) {}

  async apply(envelope: ContractEnvelope): Promise<void> {
    if (envelope.type !== 'ApiKeyIssued' && envelope.type !== 'ApiKeyRevoked') return;
    await this.inbox.handleOnce(API_KEY_CONSUMER, envelope.id, (client) => this.directory.apply(client, envelope));
  }
}
