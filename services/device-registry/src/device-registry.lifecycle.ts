import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import { PostgresEventStore } from '@pushmfa/event-store';
import { EventStoreKafkaRelay, KafkaEventPublisher, ViewFreshness } from '@pushmfa/messaging';
import { ReadinessRegistry } from '@pushmfa/observability';
import { databaseAnswers, migrateServiceSchema, type Housekeeping, PgInbox } from '@pushmfa/postgres';
import { ApiKeyDirectory } from '@pushmfa/workspace-access';
import { InboundEventsConsumer } from './consuming/inbound-events.consumer';
import { DeviceDirectory } from './device/device-directory';
import { ReplacedDeviceRevoker } from './pairing/confirming-pairing/replaced-device-revoker';
import { PoolDirectory } from './pool/pool-directory';
import { PUSH_LOCK_FRESHNESS, REGISTRY_DATABASE, REGISTRY_LOCK_DATABASE, REGISTRY_REDIS, REGISTRY_SCHEMA } from './device-registry.di-tokens';
import { PushLockView } from './user/push-lock-view/push-lock-view';

/**
 * Starts and stops the registry's moving parts in one declared order. Up: its tables (one migration), the event
 * store, Redis, the producer, the relay, the push-lock view's freshness probe, the inbound consumer, the
 * replaced-device repair, the inbox's pruning; only then readiness. Down: the pruning and the consumer stop before HTTP
 * closes; after the last request the repair, the relay, the probe, then the connections.
 */
@Injectable()
export class RegistryLifecycle implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('RegistryLifecycle');
  private housekeeping: Housekeeping | undefined;

  constructor(
    @Inject(REGISTRY_DATABASE) private readonly pool: Pool,
    @Inject(REGISTRY_LOCK_DATABASE) private readonly lockPool: Pool,
    @Inject(REGISTRY_REDIS) private readonly redis: Redis,
    @Inject(PUSH_LOCK_FRESHNESS) private readonly pushLockFreshness: ViewFreshness,
    private readonly store: PostgresEventStore,
    private readonly inbox: PgInbox,
    private readonly apiKeys: ApiKeyDirectory,
    private readonly devices: DeviceDirectory,
    private readonly pools: PoolDirectory,
    private readonly pushLocks: PushLockView,
    private readonly publisher: KafkaEventPublisher,
    private readonly relay: EventStoreKafkaRelay,
    private readonly inboundEvents: InboundEventsConsumer,
    private readonly replacedDevices: ReplacedDeviceRevoker,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    await migrateServiceSchema(this.pool, REGISTRY_SCHEMA, async (client) => {
      await this.apiKeys.migrate(client);
      await this.devices.migrate(client);
      await this.pools.migrate(client);
      await this.pushLocks.migrate(client);
      await this.inbox.migrate(client);
    });
    await this.store.migrate();
    await this.redis.connect();
    await this.publisher.connect();
    await this.relay.start();
    await this.pushLockFreshness.start();
    await this.inboundEvents.start();
    await this.replacedDevices.start();
    // Processed message ids older than the broker keeps records go, now and then.
    this.housekeeping = this.inbox.housekeeping((error) => this.logger.warn(`inbox prune failed: ${String(error)}`));
    this.housekeeping.start();
    this.readiness.register('database', () => databaseAnswers(this.pool));
    // The relay's listening session is re-established after a database outage before this is up.
    this.readiness.register('relay', () => this.relay.isHealthy);
    this.readiness.register('broker', () => this.publisher.isConnected);
    this.readiness.register('redis', () => this.redis.status === 'ready');
    this.readiness.register('inbound-events-consumer', () => this.inboundEvents.isReady);
  }

  /** Stop consuming before HTTP closes; in-flight requests still finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.housekeeping?.stop();
    await this.inboundEvents.stop().catch(() => undefined);
  }

  /** After the last request; anything committed but not yet relayed is published by whichever instance runs the relay next. */
  async onApplicationShutdown(): Promise<void> {
    await this.replacedDevices.stop();
    await this.relay.stop();
    await this.pushLockFreshness.stop();
    this.redis.disconnect();
    await this.publisher.disconnect().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
    await this.lockPool.end().catch(() => undefined);
  }
}
