import { Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import type { ContractConsumer, KafkaEventPublisher } from '@pushmfa/messaging';
import type { ReadinessRegistry } from '@pushmfa/observability';
import type { ConsumerLagSampler } from './consuming/consumer-lag.sampler';
import { migrateDeliverySchema } from './database/delivery-schema.migration';
import type { PushDeadLetters } from './dispatching/push-dead-letters';
import type { PendingPushRecovery } from './pending/pending-push-recovery';
import type { PushProvidersByName } from './dispatching/push-dispatcher';
import type { PushScheduler } from './dispatching/push-scheduler';
import { PgInbox } from '@pushmfa/postgres';

const INBOX_PRUNE_INTERVAL_MS = 6 * 3600 * 1000;

export interface DeliveryRuntimeParts {
  pool: Pool;
  schema: string;
  publisher: KafkaEventPublisher;
  deadLetters: PushDeadLetters;
  lagSampler: ConsumerLagSampler;
  recovery: PendingPushRecovery;
  consumers: ContractConsumer[];
  scheduler: PushScheduler;
  providers: PushProvidersByName;
  drainTimeoutMs: number;
}

/**
 * Starts and stops delivery's moving parts in an order that loses nothing it acknowledged: schema, producer,
 * then consumers; on the way down consumers first, then the pushes in flight (bounded), then connections.
 */
export class DeliveryRuntime {
  private readonly logger = new Logger('DeliveryRuntime');
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(private readonly parts: DeliveryRuntimeParts) {}

  registerReadiness(readiness: ReadinessRegistry): void {
    readiness.register('database', async () => (await this.parts.pool.query('select 1')).rowCount === 1);
    readiness.register('broker', () => this.parts.publisher.isConnected && this.parts.consumers.every((c) => c.isReady));
  }

  async start(): Promise<void> {
    await migrateDeliverySchema(this.parts.pool, this.parts.schema);
    await this.parts.publisher.connect();
    await this.parts.deadLetters.connect();
    for (const consumer of this.parts.consumers) await consumer.start();
    await this.parts.lagSampler.start();
    // Pushes left behind by a worker that died (or stopped before finishing them) are taken over from here on.
    await this.parts.recovery.start();
    this.pruneTimer = setInterval(() => {
      this.pruneOldState().catch((error: unknown) => this.logger.warn(`prune failed: ${String(error)}`));
    }, INBOX_PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  /** Stop taking work and finish the pushes in flight; the outcome events they publish still need the producer. */
  async stopConsuming(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.parts.lagSampler.stop();
    this.parts.recovery.stopSweeping();
    await Promise.all(this.parts.consumers.map((consumer) => consumer.stop()));
    const left = await this.parts.scheduler.drain(this.parts.drainTimeoutMs);
    await this.parts.recovery.release();
    if (left > 0) this.logger.warn(`shutdown: ${left} push(es) unfinished after ${this.parts.drainTimeoutMs} ms were handed back for another worker`);
  }

  /** Processed ids older than the broker keeps records, and challenges long past their expiry, are forgotten. */
  private async pruneOldState(): Promise<void> {
    await new PgInbox(this.parts.pool, this.parts.schema).prune();
    await this.parts.pool.query(`delete from ${this.parts.schema}.challenges where expires_at < now() - interval '1 day'`);
  }

  async close(): Promise<void> {
    await this.parts.publisher.disconnect().catch((error: unknown) => this.logger.warn(`producer disconnect: ${String(error)}`));
    await this.parts.deadLetters.disconnect().catch((error: unknown) => this.logger.warn(`dead-letter producer disconnect: ${String(error)}`));
    const { fcm, apns } = this.parts.providers;
    await Promise.all([fcm, apns].map((provider) => provider?.close().catch(() => undefined)));
    await this.parts.pool.end();
  }
}
