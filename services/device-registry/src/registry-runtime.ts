import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import type { Pool } from 'pg';
import { topicName } from '@pushmfa/contracts';
import { PinoLogger } from 'nestjs-pino';
import { DeviceRequestAuthenticator, RedisNonceStore } from '@pushmfa/device-auth';
import { type GlobalPosition, PostgresEventStore } from '@pushmfa/event-store';
import { EventStoreKafkaRelay, ServiceRuntime, ViewFreshness } from '@pushmfa/messaging';
import { MetricsService, ReadinessRegistry } from '@pushmfa/observability';
import { ApiKeyDirectory } from '@pushmfa/workspace-access';
import type { RegistryConfig } from './config';
import { DeviceDirectory } from './device/device-directory';
import { PoolDirectory } from './pool/pool-directory';
import { RegistrationRateLimit } from './pairing/registering-device/registration-rate-limit';
import { mapRegistryEvent } from './publishing/registry-integration.mapper';
import { PUSH_LOCK_VIEW_CONSUMER, PushLockView } from './user/push-lock-view/push-lock-view';
import { createServicePool } from '@pushmfa/postgres';

export const REGISTRY_CONFIG = Symbol('REGISTRY_CONFIG');
export const REGISTRY_SCHEMA = 'registry';
const SCHEMA = REGISTRY_SCHEMA;

/** The registry's connections and background work: event store (its read models are written inline by the commands), Kafka relay, Redis. */
@Injectable()
export class RegistryRuntime implements OnModuleInit, OnApplicationShutdown {
  readonly runtime: ServiceRuntime;
  readonly store: PostgresEventStore;
  readonly apiKeys: ApiKeyDirectory;
  readonly devices: DeviceDirectory;
  readonly pools: PoolDirectory;
  /** Whether push is locked for a user (the challenge topic's locks, less the admins' lifts). */
  readonly pushLocks: PushLockView;
  /** Shows the push-lock view has applied the challenge topic up to its end before a lift decides on it; 503 when it cannot. */
  readonly pushLockFreshness: ViewFreshness;
  readonly redis: Redis;
  readonly deviceAuth: DeviceRequestAuthenticator;
  readonly registrationRateLimit: RegistrationRateLimit;
  private readonly relay: EventStoreKafkaRelay;
  /** Holds per-user advisory locks only, so a lock holder never waits for a connection its own work needs. */
  private readonly lockPool: Pool;

  constructor(
    @Inject(REGISTRY_CONFIG) readonly config: RegistryConfig,
    private readonly readiness: ReadinessRegistry,
    private readonly logger: PinoLogger,
    metrics: MetricsService,
  ) {
    const log = (level: 'error' | 'warn' | 'info', message: string, extra?: Record<string, unknown>) => this.logger[level](extra ?? {}, message);
    this.runtime = new ServiceRuntime({
      serviceName: 'device-registry',
      databaseUrl: config.databaseUrl,
      schema: SCHEMA,
      brokers: config.brokers,
      kafka: config.kafka,
      topicPrefix: config.topicPrefix,
      log,
    });
    this.store = new PostgresEventStore({ pool: this.runtime.pool, schema: SCHEMA });
    this.apiKeys = new ApiKeyDirectory(this.runtime.pool, SCHEMA);
    // A lock holder losing its connection loses the lock with it; its next query fails and the pool drops it.
    this.lockPool = createServicePool({
      connectionString: config.databaseUrl,
      applicationName: 'pushmfa-device-registry-locks',
      max: 5,
      onConnectionLost: (error) => this.logger.warn({ error: error.message }, 'lock connection lost'),
    });
    this.devices = new DeviceDirectory(this.runtime.pool, SCHEMA, this.lockPool);
    this.pools = new PoolDirectory(this.runtime.pool, SCHEMA);
    this.pushLocks = new PushLockView(this.runtime.pool, SCHEMA);
    this.pushLockFreshness = new ViewFreshness({
      kafka: this.runtime.kafka,
      topic: topicName('challenge', config.topicPrefix),
      groupId: `${config.topicPrefix}${PUSH_LOCK_VIEW_CONSUMER}`,
      maxWaitMs: config.pushLockViewMaxWaitMs,
    });
    this.redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false, enableAutoPipelining: true });
    this.redis.on('error', (error) => this.logger.warn({ error: error.message }, 'redis connection problem'));
    this.deviceAuth = new DeviceRequestAuthenticator({
      clock: Date.now,
      nonceStore: new RedisNonceStore(this.redis, `pushmfa:${config.topicPrefix}registry:`),
      devices: this.devices,
    });
    this.registrationRateLimit = new RegistrationRateLimit(this.redis, `pushmfa:${config.topicPrefix}registry:`, config.registerRateLimitPerMinute);
    this.relay = new EventStoreKafkaRelay({
      store: this.store,
      publisher: this.runtime.publisher,
      map: mapRegistryEvent,
      topicPrefix: config.topicPrefix,
      metrics,
      onError: (error) => this.logger.error({ error: String(error) }, 'relay: publishing to Kafka failed; will retry'),
    });
  }

  /**
   * A write that other services must honour at once (keys, settings, paired and revoked devices) answers only after
   * this: the relay has published its event, so a service that reads the registry topic up to its end has it.
   * Throws `unavailable` (503) when the relay has not published it within `publishWaitMs`; the change is stored and
   * the registry honours it, and the call may be repeated.
   */
  async published(result: { position?: GlobalPosition }): Promise<void> {
    if (result.position) await this.relay.awaitPublished(result.position, this.config.publishWaitMs);
  }

  async onModuleInit(): Promise<void> {
    await this.runtime.migrateSchema(async (client) => {
      await this.apiKeys.migrate(client);
      await this.devices.migrate(client);
      await this.pools.migrate(client);
      await this.pushLocks.migrate(client);
    });
    await this.store.migrate();
    await this.redis.connect();
    await this.runtime.publisher.connect();
    await this.relay.start();
    await this.pushLockFreshness.start();
    this.readiness.register('database', () => this.runtime.databaseAnswers());
    // The relay's listening session is re-established after a database outage before this is up.
    this.readiness.register('relay', () => this.relay.isHealthy);
    this.readiness.register('broker', () => this.runtime.publisher.isConnected);
    this.readiness.register('redis', () => this.redis.status === 'ready');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.pushLockFreshness.stop();
    this.redis.disconnect();
    await this.runtime.close();
    await this.lockPool.end().catch(() => undefined);
  }
}
