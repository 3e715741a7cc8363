import type { ContractEnvelope } from '@pushmfa/contracts';
import type { PgInbox } from '@pushmfa/postgres';
import { isWebhookSource, webhookPayloadOf } from './webhook-events';

export const WEBHOOK_CONSUMER = 'reporting.webhooks';

/**
 * An endpoint gets the events that occurred after it was created (give or take a minute of clock skew between the
 * producing service and the database): a consumer group reading its topics from the beginning, as a new one does
 * on its first deployment, never sends history to endpoints registered since.
 */
const CLOCK_SKEW = "interval '1 minute'";

/**
 * Turns the source events of a fetched batch into one pending delivery per enabled endpoint of the event's workspace
 * that subscribes to it, in the transaction that records the events in the inbox: each delivery is written once.
 */
export class WebhookFanout {
  constructor(
    private readonly inbox: PgInbox,
    private readonly schema: string,
    private readonly retryWindowMs: number,
  ) {}

  async applyBatch(envelopes: readonly ContractEnvelope[]): Promise<void> {
    const sources = envelopes.filter(isWebhookSource);
    await this.inbox.handleBatchOnce(
      WEBHOOK_CONSUMER,
      sources,
      (envelope) => envelope.id,
      async (client, fresh) => {
        const events = fresh.map((envelope) => {
          const payload = webhookPayloadOf(envelope);
          return { id: payload.id, type: payload.type, workspace_id: payload.workspaceId, occurred_at: payload.occurredAt, body: JSON.stringify(payload) };
        });
        await client.query(
          `insert into ${this.schema}.webhook_deliveries (delivery_id, webhook_id, event_id, event_type, body, next_attempt_at, retry_until)
           select gen_random_uuid(), endpoint.webhook_id, event.id, event.type, event.body, now(), now() + $2 * interval '1 millisecond'
           from jsonb_to_recordset($1::jsonb) as event (id text, type text, workspace_id text, occurred_at timestamptz, body text)
           join ${this.schema}.webhook_endpoints endpoint
             on endpoint.workspace_id = event.workspace_id and endpoint.enabled and event.type = any (endpoint.events)
            and endpoint.created_at <= event.occurred_at + ${CLOCK_SKEW}
           on conflict (webhook_id, event_id) do nothing`,
          [JSON.stringify(events), this.retryWindowMs],
        );
      },
    );
  }
}
