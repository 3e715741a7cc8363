import type { Pool } from 'pg';
import { fullJitterBackoffMs, sleep } from '@pushmfa/messaging';
import type { MetricsService } from '@pushmfa/observability';
import { inTransaction } from '@pushmfa/postgres';
import type { KeyedSecretBox } from '@pushmfa/service-config';
import type { WebhookConfig } from '../config';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature';
import { NonPublicTargetError, postWebhook } from './webhook-target';

type Log = (level: 'error' | 'warn' | 'info', message: string, extra?: Record<string, unknown>) => void;

/** Deliveries one instance claims at once (and sends concurrently). */
const CLAIM_BATCH = 20;
/** Beyond the attempt's timeout, how long a claim holds a delivery before another instance may take it over. */
const CLAIM_MARGIN_MS = 30_000;

interface ClaimedDelivery {
  delivery_id: string;
  webhook_id: string;
  body: string;
  attempts: number;
  retry_until: Date;
  url: string;
  secret_sealed: string;
}

interface AttemptResult {
  attemptedAt: Date;
  durationMs: number;
  httpStatus: number | null;
  error: string | null;
}

/**
 * Sends due webhook deliveries: claims them (`for update skip locked`, so several instances share the work, and a
 * lease in `next_attempt_at`, so a crashed instance's claims are taken over once it runs out), POSTs the signed body,
 * records the attempt, and schedules the next one with exponential backoff and jitter until the delivery's retry
 * window closes. A delivery still failing then fails for good, and its endpoint is disabled as `failing`.
 */
export class WebhookSender {
  private readonly stopping = new AbortController();
  private loop?: Promise<void>;
  private readonly countAttempt?: (outcome: 'delivered' | 'retrying' | 'failed') => void;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly config: WebhookConfig,
    /** Opens each endpoint's secret, bound to its id (webhookSecretBox). */
    private readonly secrets: KeyedSecretBox,
    private readonly log: Log,
    metrics?: MetricsService,
  ) {
    if (metrics) {
      const counter = metrics.counter({
        name: 'reporting_webhook_attempts_total',
        help: 'Webhook delivery attempts by outcome: delivered, retrying (failed, another attempt due) or failed (the retry window is over)',
        labelNames: ['outcome'],
      });
      this.countAttempt = (outcome) => counter.inc({ outcome });
    }
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      let claimed = 0;
      try {
        claimed = await this.sendDue();
      } catch (error) {
        this.log('warn', 'webhook sender: a round failed; trying again', { error: describe(error) });
      }
      // A full batch means more may be due: go on at once.
      if (claimed < CLAIM_BATCH) await sleep(this.config.pollIntervalMs, this.stopping.signal);
    }
  }

  /** One round: claims up to a batch of due deliveries, attempts each, records the outcomes; returns how many. */
  async sendDue(): Promise<number> {
    const { rows } = await this.pool.query<ClaimedDelivery>(
      `with due as (
         select delivery.delivery_id
         from ${this.schema}.webhook_deliveries delivery
         join ${this.schema}.webhook_endpoints endpoint using (webhook_id)
         where delivery.status = 'pending' and delivery.next_attempt_at <= now() and endpoint.enabled
         order by delivery.next_attempt_at
         limit $1
         for update of delivery skip locked)
       update ${this.schema}.webhook_deliveries delivery
       set attempts = delivery.attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond'
       from due, ${this.schema}.webhook_endpoints endpoint
       where delivery.delivery_id = due.delivery_id and endpoint.webhook_id = delivery.webhook_id
       returning delivery.delivery_id, delivery.webhook_id, delivery.body, delivery.attempts, delivery.retry_until, endpoint.url, endpoint.secret_sealed`,
      [CLAIM_BATCH, this.config.timeoutMs + CLAIM_MARGIN_MS],
    );
    await Promise.all(
      rows.map(async (delivery) => {
        const attempt = await this.attempt(delivery);
        // Not recorded (the database is away, the endpoint was deleted meanwhile): the lease runs out and it is tried again.
        await this.record(delivery, attempt).catch((error: unknown) =>
          this.log('warn', 'webhook sender: an attempt could not be recorded', { deliveryId: delivery.delivery_id, error: describe(error) }),
        );
      }),
    );
    return rows.length;
  }

  private async attempt(delivery: ClaimedDelivery): Promise<AttemptResult> {
    const attemptedAt = new Date();
    const started = performance.now();
    const result = (httpStatus: number | null, error: string | null): AttemptResult => ({
      attemptedAt,
      durationMs: Math.round(performance.now() - started),
      httpStatus,
      error,
    });
    try {
      const secret = this.secrets.open(delivery.secret_sealed, delivery.webhook_id).toString('utf8');
      const status = await postWebhook(
        {
          url: delivery.url,
          body: delivery.body,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'pushmfa-webhooks/1',
            [SIGNATURE_HEADER]: signatureHeader(secret, delivery.body, Math.floor(attemptedAt.getTime() / 1000)),
          },
          // Not aborted at shutdown: stop() waits for attempts in flight (at most the timeout) so each is recorded.
          timeoutMs: this.config.timeoutMs,
        },
        this.config,
      );
      return result(status, status >= 200 && status < 300 ? null : `answered ${status}`);
    } catch (error) {
      return result(null, describeSendFailure(error, this.config.timeoutMs));
    }
  }

  /** The attempt, the delivery's new state and, when it failed for good, the endpoint's: one transaction. */
  private async record(delivery: ClaimedDelivery, attempt: AttemptResult): Promise<void> {
    const delivered = attempt.error === null;
    const now = Date.now();
    const givesUp = !delivered && now >= delivery.retry_until.getTime();
    const backoff = Math.max(this.config.retryBaseMs / 2, fullJitterBackoffMs(delivery.attempts - 1, this.config.retryBaseMs, this.config.retryCapMs));
    // The last retry happens when the window closes, so a delivery is retried for the whole window.
    const nextAttemptAt = delivered || givesUp ? null : new Date(Math.min(now + backoff, delivery.retry_until.getTime()));
    const status = delivered ? 'delivered' : givesUp ? 'failed' : 'pending';
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `insert into ${this.schema}.webhook_attempts (delivery_id, attempt, attempted_at, http_status, error, duration_ms, next_attempt_at)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
        [delivery.delivery_id, delivery.attempts, attempt.attemptedAt, attempt.httpStatus, attempt.error, attempt.durationMs, nextAttemptAt],
      );
      // Only while the claim is still this one's: an instance that took over a run-out lease has counted another attempt.
      await client.query(
        `update ${this.schema}.webhook_deliveries set status = $3, next_attempt_at = $4 where delivery_id = $1 and attempts = $2 and status = 'pending'`,
        [delivery.delivery_id, delivery.attempts, status, nextAttemptAt],
      );
      if (givesUp) {
        const { rowCount } = await client.query(
          `update ${this.schema}.webhook_endpoints set enabled = false, disabled_reason = 'failing', disabled_at = now() where webhook_id = $1 and enabled`,
          [delivery.webhook_id],
        );
        if (rowCount) this.log('warn', 'webhook endpoint disabled: its deliveries failed for the whole retry window', { webhookId: delivery.webhook_id });
      }
    });
    this.countAttempt?.(status === 'pending' ? 'retrying' : status);
  }
}

/**
 * What an attempt that got no answer records: never the body or the secret (a refused target, a time-out, a socket
 * error's code).
 */
function describeSendFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof NonPublicTargetError) return `refused: ${error.message}`.slice(0, 300);
  const failure = error as { name?: unknown; code?: unknown; message?: unknown } | null | undefined;
  if (failure?.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (typeof failure?.code === 'string') return `connection failed: ${failure.code}`;
  if (typeof failure?.message === 'string') return `connection failed: ${failure.message}`.slice(0, 300);
  return describe(error).slice(0, 300);
}

function describe(error: unknown): string {
  const failure = error as { name?: unknown; message?: unknown } | null | undefined;
  return typeof failure?.message === 'string' ? `${String(failure.name)}: ${failure.message}` : String(error);
}
