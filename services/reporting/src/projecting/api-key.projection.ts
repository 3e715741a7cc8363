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
    await this.applyBatch([envelope]);
  }

  /** The key events of a fetched batch, once each, in one transaction. */
  async applyBatch(envelopes: readonly ContractEnvelope[]): Promise<void> {
    const keyEvents = envelopes.filter((envelope) => envelope.type === 'ApiKeyIssued' || envelope.type === 'ApiKeyRevoked');
    await this.inbox.handleBatchOnce(
      API_KEY_CONSUMER,
      keyEvents,
      (envelope) => envelope.id,
      async (client, fresh) => {
        for (const envelope of fresh) await this.directory.apply(client, envelope);
      },
    );
  }
}
