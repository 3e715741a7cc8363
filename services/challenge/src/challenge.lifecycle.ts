import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import { PostgresEventStore } from '@pushmfa/event-store';
import { EventStoreKafkaRelay, KafkaEventPublisher, ViewFreshness } from '@pushmfa/messaging';
import { ReadinessRegistry } from '@pushmfa/observability';
import { databaseAnswers, migrateServiceSchema, type Housekeeping, PgInbox } from '@pushmfa/postgres';
import { ApiKeyDirectory } from '@pushmfa/workspace-access';
import { CHALLENGE_DATABASE, CHALLENGE_REDIS, CHALLENGE_REDIS_SUBSCRIBER, CHALLENGE_SCHEMA, REGISTRY_FRESHNESS } from './challenge.di-tokens';
import { OfflineCodeSecrets } from './offline-code/offline-code-secrets';
import { ChallengeExpiryTimer } from './push-challenge/expiring/challenge-expiry-timer';
import { IdempotencyKeys } from './push-challenge/issuing/idempotency-keys';
import { ChallengeProjection } from './read-models/challenge-projection';
import { RegistryView } from './registry-view/registry-view';
import { RegistryViewConsumer } from './registry-view/registry-view.consumer';
import { ChallengeStatusNotifier } from './status-notifications/challenge-status-notifier';

/**
 * Starts and stops the challenge service's moving parts in one declared order. Up: its tables (one migration), the
 * event store, both Redis connections and the long-polls' subscription, the producer, the relay, the registry view's
 * freshness probe, the registry view's consumer, the expiry timer (which also purges old idempotency keys and resolved
 * challenges), the inbox's pruning; only then readiness. Down: the pruning, the registry consumer and the expiry timer
 * stop before HTTP closes; after the last request the relay, the probe, then the connections.
 */
@Injectable()
export class ChallengeLifecycle implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('ChallengeLifecycle');
  private housekeeping: Housekeeping | undefined;

  constructor(
    @Inject(CHALLENGE_DATABASE) private readonly pool: Pool,
    @Inject(CHALLENGE_REDIS) private readonly redis: Redis,
    @Inject(CHALLENGE_REDIS_SUBSCRIBER) private readonly subscriber: Redis,
    @Inject(REGISTRY_FRESHNESS) private readonly registryFreshness: ViewFreshness,
    private readonly store: PostgresEventStore,
    private readonly inbox: PgInbox,
    private readonly apiKeys: ApiKeyDirectory,
    private readonly registry: RegistryView,
    private readonly projection: ChallengeProjection,
    private readonly idempotencyKeys: IdempotencyKeys,
    private readonly offlineCodes: OfflineCodeSecrets,
    private readonly notifier: ChallengeStatusNotifier,
    private readonly publisher: KafkaEventPublisher,
    private readonly relay: EventStoreKafkaRelay,
    private readonly registryConsumer: RegistryViewConsumer,
    private readonly expiryTimer: ChallengeExpiryTimer,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    await migrateServiceSchema(this.pool, CHALLENGE_SCHEMA, async (client) => {
      await this.apiKeys.migrate(client);
      await this.registry.migrate(client);
      await this.inbox.migrate(client);
      await this.projection.migrate(client);
      await this.idempotencyKeys.migrate(client);
      await this.offlineCodes.migrate(client);
    });
    await this.store.migrate();
    await Promise.all([this.redis.connect(), this.subscriber.connect()]);
    await this.notifier.start();
    await this.publisher.connect();
    await this.relay.start();
    await this.registryFreshness.start();
    await this.registryConsumer.start();
    this.expiryTimer.start();
    // Processed message ids older than the broker keeps records go, now and then.
    this.housekeeping = this.inbox.housekeeping((error) => this.logger.warn(`inbox prune failed: ${String(error)}`));
    this.housekeeping.start();
    this.readiness.register('database', () => databaseAnswers(this.pool));
    // The relay's listening session (LISTEN + its lock) is re-established after a database outage before this is up.
    this.readiness.register('relay', () => this.relay.isHealthy);
    this.readiness.register('broker', () => this.publisher.isConnected && this.registryConsumer.isReady);
    this.readiness.register('redis', () => this.redis.status === 'ready' && this.subscriber.status === 'ready');
  }

  /** Stop consuming and expiring before HTTP closes; in-flight requests still finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.housekeeping?.stop();
    await this.registryConsumer.stop().catch(() => undefined);
    await this.expiryTimer.stop();
  }

  /** After the last request; anything committed but not yet relayed is published by whichever instance runs the relay next. */
  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.registryFreshness.stop();
    this.redis.disconnect();
    this.subscriber.disconnect();
    await this.publisher.disconnect().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}
