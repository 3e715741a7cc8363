import type { ContractEnvelope } from '@pushmfa/contracts';
import type { PgInbox } from '@pushmfa/postgres';
import { DIAGNOSTICS_TABLE } from '../database/diagnostics-table';

export const DIAGNOSTICS_CONSUMER = 'reporting.diagnostics';

type SharedEnvelope = ContractEnvelope<'DiagnosticsShared'>;

function isDiagnosticsShared(envelope: ContractEnvelope): envelope is SharedEnvelope {
  return envelope.type === 'DiagnosticsShared';
}

/**
 * Stores shared app logs as incidents: a fetched batch in one transaction with its inbox record, one insert for all
 * of it (`jsonb_to_recordset`). An incident already past its `expiresAt` (a topic read again from the start) is not
 * stored, so the sweeper's deletions stay deleted.
 */
export class DiagnosticsProjection {
  constructor(
    private readonly inbox: PgInbox,
    private readonly schema: string,
  ) {}

  async applyBatch(envelopes: readonly ContractEnvelope[]): Promise<void> {
    const shared = envelopes.filter(isDiagnosticsShared);
    await this.inbox.handleBatchOnce(
      DIAGNOSTICS_CONSUMER,
      shared,
      (envelope) => envelope.id,
      async (client, fresh) => {
        if (fresh.length === 0) return;
        const rows = fresh.map(({ workspaceId, data }) => ({
          workspace_id: workspaceId,
          incident_id: data.incidentId,
          user_id: data.userId,
          device_id: data.deviceId,
          challenge_id: data.challengeId ?? null,
          shared_at: data.sharedAt,
          expires_at: data.expiresAt,
          app_version: data.appVersion ?? null,
          health: data.health ?? null,
          line_count: data.logs.length,
          logs: data.logs,
        }));
        await client.query(
          `insert into ${this.schema}.${DIAGNOSTICS_TABLE}
             (workspace_id, incident_id, user_id, device_id, challenge_id, shared_at, expires_at, app_version, health, line_count, logs)
           select r.workspace_id, r.incident_id, r.user_id, r.device_id, r.challenge_id, r.shared_at, r.expires_at, r.app_version, r.health, r.line_count, r.logs
           from jsonb_to_recordset($1::jsonb) as r (workspace_id text, incident_id text, user_id text, device_id text, challenge_id text,
             shared_at timestamptz, expires_at timestamptz, app_version text, health jsonb, line_count integer, logs jsonb)
           where r.expires_at > now()
           on conflict (workspace_id, incident_id) do nothing`,
          [JSON.stringify(rows)],
        );
      },
    );
  }
}
