import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { type ContractConsumer, KafkaEventPublisher } from '@pushmfa/messaging';
import { ReadinessRegistry } from '@pushmfa/observability';
import { databaseAnswers, deleteInBatches, Housekeeping, HOUSEKEEPING_TIMES, PgInbox } from '@pushmfa/postgres';
import type { DeliveryConfig } from './config';
import { ConsumerLagSampler } from './consuming/consumer-lag.sampler';
import { migrateDeliverySchema } from './database/delivery-schema.migration';
import { DELIVERY_CONFIG, DELIVERY_CONSUMERS, DELIVERY_DATABASE, PUSH_PROVIDERS } from './delivery.di-tokens';
import { PushDeadLetters } from './dispatching/push-dead-letters';
import type { PushProvidersByName } from './dispatching/push-dispatcher';
import { PushScheduler } from './dispatching/push-scheduler';
import { PendingPushRecovery } from './pending/pending-push-recovery';

/**
 * Starts and stops delivery's moving parts in one declared order that loses nothing it acknowledged. Up: its tables
 * (one migration), the producer, the dead-letter producer, the consumer groups, the lag sampler, the pending-push
 * recovery (which takes over what a dead worker left at once), the prune timer; then readiness. Down, before HTTP
 * closes: the prune timer, the lag sampler, the recovery's sweeps, the consumers, then the pushes in flight (bounded
 * by `drainTimeoutMs`) and the leases still held handed back; after the last request the producers (the outcome
 * events of the drained pushes needed them), the push providers, then the pool.
 */
@Injectable()
export class DeliveryLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('DeliveryLifecycle');
  private readonly housekeeping = new Housekeeping(() => this.pruneOldState(), {
    ...HOUSEKEEPING_TIMES,
    onError: (error) => this.logger.warn(`prune failed: ${String(error)}`),
  });

  constructor(
    @Inject(DELIVERY_CONFIG) private readonly config: DeliveryConfig,
    @Inject(DELIVERY_DATABASE) private readonly pool: Pool,
    @Inject(PUSH_PROVIDERS) private readonly pushProviders: PushProvidersByName,
    @Inject(DELIVERY_CONSUMERS) private readonly consumers: ContractConsumer[],
    private readonly inbox: PgInbox,
    private readonly publisher: KafkaEventPublisher,
    private readonly deadLetters: PushDeadLetters,
    private readonly lagSampler: ConsumerLagSampler,
    private readonly recovery: PendingPushRecovery,
    private readonly scheduler: PushScheduler,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await migrateDeliverySchema(this.pool, this.config.schema);
    await this.publisher.connect();
    await this.deadLetters.connect();
    for (const consumer of this.consumers) await consumer.start();
    await this.lagSampler.start();
    // Pushes left behind by a worker that died (or stopped before finishing them) are taken over from here on.
    await this.recovery.start();
    this.housekeeping.start();
    this.readiness.register('database', () => databaseAnswers(this.pool));
    this.readiness.register('broker', () => this.publisher.isConnected && this.consumers.every((consumer) => consumer.isReady));
  }

  /** Stop taking work and finish the pushes in flight before HTTP closes; their outcome events still need the producer. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.housekeeping.stop();
    await this.lagSampler.stop();
    this.recovery.stopSweeping();
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    const { drainTimeoutMs } = this.config;
    const left = await this.scheduler.drain(drainTimeoutMs);
    await this.recovery.release();
    if (left > 0) this.logger.warn(`shutdown: ${left} push(es) unfinished after ${drainTimeoutMs} ms were handed back for another worker`);
  }

  /** After the last request. */
  async onApplicationShutdown(): Promise<void> {
    await this.publisher.disconnect().catch((error: unknown) => this.logger.warn(`producer disconnect: ${String(error)}`));
    await this.deadLetters.disconnect().catch((error: unknown) => this.logger.warn(`dead-letter producer disconnect: ${String(error)}`));
    const { fcm, apns } = this.pushProviders;
    await Promise.all([fcm, apns].map((provider) => provider?.close().catch(() => undefined)));
    await this.pool.end();
  }

  /** Processed ids older than the broker keeps records, and challenges long past their expiry, are forgotten. */
  private async pruneOldState(): Promise<void> {
    await this.inbox.prune();
    await deleteInBatches(this.pool, `${this.config.schema}.challenges`, `expires_at < now() - interval '1 day'`, []);
  }
}
