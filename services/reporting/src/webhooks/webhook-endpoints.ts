import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { inTransaction } from '@pushmfa/postgres';
import type { KeyedSecretBox } from '@pushmfa/service-config';
import type { WebhookEventName } from './webhook-events';
import { generateWebhookSecret } from './webhook-secrets';

export interface WebhookEndpointView {
  webhookId: string;
  url: string;
  events: WebhookEventName[];
  enabled: boolean;
  /** `admin` (disabled through the API) or `failing` (its deliveries failed for the whole retry window); null while enabled. */
  disabledReason: 'admin' | 'failing' | null;
  disabledAt: string | null;
  createdAt: string;
}

export interface WebhookAttemptView {
  attempt: number;
  attemptedAt: string;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  nextAttemptAt: string | null;
}

export interface WebhookDeliveryView {
  deliveryId: string;
  eventId: string;
  type: string;
  status: 'pending' | 'delivered' | 'failed';
  createdAt: string;
  /** When the next attempt is due; null once delivered or failed (and while the endpoint is disabled, nothing is sent). */
  nextAttemptAt: string | null;
  attempts: WebhookAttemptView[];
}

interface EndpointRow {
  webhook_id: string;
  url: string;
  events: WebhookEventName[];
  enabled: boolean;
  disabled_reason: 'admin' | 'failing' | null;
  disabled_at: Date | null;
  created_at: Date;
}

const ENDPOINT_COLUMNS = 'webhook_id, url, events, enabled, disabled_reason, disabled_at, created_at';

/** The webhook endpoints of a workspace: every statement names the caller's workspace, so another's is not found. */
export class WebhookEndpoints {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    /** Seals each endpoint's secret bound to its id (webhookSecretBox). */
    private readonly secrets: KeyedSecretBox,
    private readonly retryWindowMs: number,
  ) {}

  /** Registers an endpoint; the answer carries its secret, which is never shown again. */
  async create(workspaceId: string, url: string, events: WebhookEventName[]): Promise<WebhookEndpointView & { secret: string }> {
    const webhookId = randomUUID();
    const secret = generateWebhookSecret();
    const { rows } = await this.pool.query<EndpointRow>(
      `insert into ${this.schema}.webhook_endpoints (webhook_id, workspace_id, url, events, secret_sealed) values ($1, $2, $3, $4, $5)
       returning ${ENDPOINT_COLUMNS}`,
      [webhookId, workspaceId, url, events, this.secrets.seal(Buffer.from(secret, 'utf8'), webhookId)],
    );
    return { ...viewOf(rows[0]!), secret };
  }

  async list(workspaceId: string): Promise<WebhookEndpointView[]> {
    const { rows } = await this.pool.query<EndpointRow>(
      `select ${ENDPOINT_COLUMNS} from ${this.schema}.webhook_endpoints where workspace_id = $1 order by created_at, webhook_id`,
      [workspaceId],
    );
    return rows.map(viewOf);
  }

  async disable(workspaceId: string, webhookId: string): Promise<WebhookEndpointView | undefined> {
    const { rows } = await this.pool.query<EndpointRow>(
      `update ${this.schema}.webhook_endpoints
       set enabled = false, disabled_reason = case when enabled then 'admin' else disabled_reason end, disabled_at = coalesce(disabled_at, now())
       where workspace_id = $1 and webhook_id = $2 returning ${ENDPOINT_COLUMNS}`,
      [workspaceId, webhookId],
    );
    return rows[0] && viewOf(rows[0]);
  }

  /** Enables an endpoint; its pending deliveries are due at once, each with a whole retry window again. */
  async enable(workspaceId: string, webhookId: string): Promise<WebhookEndpointView | undefined> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<EndpointRow>(
        `update ${this.schema}.webhook_endpoints set enabled = true, disabled_reason = null, disabled_at = null
       where workspace_id = $1 and webhook_id = $2 returning ${ENDPOINT_COLUMNS}`,
        [workspaceId, webhookId],
      );
      if (rows[0]) {
        await client.query(
          `update ${this.schema}.webhook_deliveries
         set next_attempt_at = now(), retry_until = greatest(retry_until, now() + $2 * interval '1 millisecond')
         where webhook_id = $1 and status = 'pending'`,
          [webhookId, this.retryWindowMs],
        );
      }
      return rows[0] && viewOf(rows[0]);
    });
  }

  /** Deletes an endpoint with its deliveries; false when the workspace has no such endpoint. */
  async delete(workspaceId: string, webhookId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(`delete from ${this.schema}.webhook_endpoints where workspace_id = $1 and webhook_id = $2`, [
      workspaceId,
      webhookId,
    ]);
    return (rowCount ?? 0) > 0;
  }

  /** The endpoint's newest deliveries with their attempts; undefined when the workspace has no such endpoint. */
  async deliveries(workspaceId: string, webhookId: string, limit: number): Promise<WebhookDeliveryView[] | undefined> {
    const { rows: found } = await this.pool.query(`select 1 from ${this.schema}.webhook_endpoints where workspace_id = $1 and webhook_id = $2`, [
      workspaceId,
      webhookId,
    ]);
    if (found.length === 0) return undefined;
    const { rows } = await this.pool.query<{
      delivery_id: string;
      event_id: string;
      event_type: string;
      status: WebhookDeliveryView['status'];
      created_at: Date;
      next_attempt_at: Date | null;
      attempts: Array<{
        attempt: number;
        attempted_at: string;
        http_status: number | null;
        error: string | null;
        duration_ms: number;
        next_attempt_at: string | null;
      }>;
    }>(
      `select d.delivery_id, d.event_id, d.event_type, d.status, d.created_at, d.next_attempt_at,
              coalesce((select jsonb_agg(to_jsonb(a) order by a.attempt) from ${this.schema}.webhook_attempts a where a.delivery_id = d.delivery_id), '[]') as attempts
       from ${this.schema}.webhook_deliveries d
       where d.webhook_id = $1
       order by d.created_at desc, d.delivery_id
       limit $2`,
      [webhookId, limit],
    );
    return rows.map((row) => ({
      deliveryId: row.delivery_id,
      eventId: row.event_id,
      type: row.event_type,
      status: row.status,
      createdAt: row.created_at.toISOString(),
      nextAttemptAt: row.status === 'pending' && row.next_attempt_at ? row.next_attempt_at.toISOString() : null,
      attempts: row.attempts.map((attempt) => ({
        attempt: attempt.attempt,
        attemptedAt: new Date(attempt.attempted_at).toISOString(),
        httpStatus: attempt.http_status,
        error: attempt.error,
        durationMs: attempt.duration_ms,
        nextAttemptAt: attempt.next_attempt_at === null ? null : new Date(attempt.next_attempt_at).toISOString(),
      })),
    }));
  }
}

function viewOf(row: EndpointRow): WebhookEndpointView {
  return {
    webhookId: row.webhook_id,
    url: row.url,
    events: row.events,
    enabled: row.enabled,
    disabledReason: row.enabled ? null : row.disabled_reason,
    disabledAt: row.disabled_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}
