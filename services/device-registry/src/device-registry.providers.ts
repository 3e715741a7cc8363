import type { Provider } from '@nestjs/common';
import Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import type { Pool } from 'pg';
import { topicName } from '@pushmfa/contracts';
import { DEVICE_REQUEST_AUTHENTICATOR, DeviceRequestAuthenticator, RedisNonceStore } from '@pushmfa/device-auth';
import { PostgresEventStore } from '@pushmfa/event-store';
import { EventStoreKafkaRelay, KafkaEventPublisher, ViewFreshness, serviceKafkaProvider, servicePoolProvider } from '@pushmfa/messaging';
import { MetricsService, leveledLog } from '@pushmfa/observability';
import { createServicePool, PgInbox } from '@pushmfa/postgres';
import { API_KEY_DIRECTORY, ApiKeyDirectory, OPERATOR_TOKEN } from '@pushmfa/workspace-access';
import type { RegistryConfig } from './config';
import { DeviceDirectory } from './device/device-directory';
import { RegistrationRateLimit } from './pairing/registering-device/registration-rate-limit';
import { PoolDirectory } from './pool/pool-directory';
import { mapRegistryEvent } from './publishing/registry-integration.mapper';
import { PUSH_LOCK_VIEW_CONSUMER, PushLockView } from './user/push-lock-view/push-lock-view';
import {
  PUSH_LOCK_FRESHNESS,
  REGISTRY_CONFIG,
  REGISTRY_DATABASE,
  REGISTRY_KAFKA,
  REGISTRY_LOCK_DATABASE,
  REGISTRY_REDIS,
  REGISTRY_SCHEMA as SCHEMA,
} from './device-registry.di-tokens';

/**
 * The registry's connections and the parts built on them, each under its token. Nothing connects here: the
 * `RegistryLifecycle` migrates, connects and starts them in order.
 */
export function registryProviders(config: RegistryConfig): Provider[] {
  return [
    { provide: REGISTRY_CONFIG, useValue: config },
    { provide: OPERATOR_TOKEN, useValue: config.operatorToken },
    servicePoolProvider(REGISTRY_DATABASE, { serviceName: 'device-registry', databaseUrl: config.databaseUrl }),
    {
      provide: REGISTRY_LOCK_DATABASE,
      inject: [PinoLogger],
      // A lock holder losing its connection loses the lock with it; its next query fails and the pool drops it.
      useFactory: (logger: PinoLogger): Pool =>
        createServicePool({
          connectionString: config.databaseUrl,
          applicationName: 'pushmfa-device-registry-locks',
          max: 5,
          onConnectionLost: (error) => logger.warn({ error: error.message }, 'lock connection lost'),
        }),
    },
    serviceKafkaProvider(REGISTRY_KAFKA, { serviceName: 'device-registry', brokers: config.brokers, security: config.kafka }),
    { provide: KafkaEventPublisher, inject: [REGISTRY_KAFKA], useFactory: (kafka: Kafka) => new KafkaEventPublisher(kafka) },
    {
      provide: REGISTRY_REDIS,
      inject: [PinoLogger],
      useFactory: (logger: PinoLogger): Redis => {
        const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false, enableAutoPipelining: true });
        redis.on('error', (error) => logger.warn({ error: error.message }, 'redis connection problem'));
        return redis;
      },
    },
    { provide: PostgresEventStore, inject: [REGISTRY_DATABASE], useFactory: (pool: Pool) => new PostgresEventStore({ pool, schema: SCHEMA }) },
    { provide: PgInbox, inject: [REGISTRY_DATABASE], useFactory: (pool: Pool) => new PgInbox(pool, SCHEMA) },
    { provide: ApiKeyDirectory, inject: [REGISTRY_DATABASE], useFactory: (pool: Pool) => new ApiKeyDirectory(pool, SCHEMA) },
    { provide: API_KEY_DIRECTORY, useExisting: ApiKeyDirectory },
    {
      provide: DeviceDirectory,
      inject: [REGISTRY_DATABASE, REGISTRY_LOCK_DATABASE],
      useFactory: (pool: Pool, lockPool: Pool) => new DeviceDirectory(pool, SCHEMA, lockPool),
    },
    { provide: PoolDirectory, inject: [REGISTRY_DATABASE], useFactory: (pool: Pool) => new PoolDirectory(pool, SCHEMA) },
    { provide: PushLockView, inject: [REGISTRY_DATABASE], useFactory: (pool: Pool) => new PushLockView(pool, SCHEMA) },
    {
      provide: PUSH_LOCK_FRESHNESS,
      inject: [REGISTRY_KAFKA],
      useFactory: (kafka: Kafka) =>
        new ViewFreshness({
          kafka,
          topic: topicName('challenge', config.topicPrefix),
          groupId: `${config.topicPrefix}${PUSH_LOCK_VIEW_CONSUMER}`,
          maxWaitMs: config.pushLockViewMaxWaitMs,
        }),
    },
    {
      provide: DeviceRequestAuthenticator,
      inject: [REGISTRY_REDIS, DeviceDirectory],
      useFactory: (redis: Redis, devices: DeviceDirectory) =>
        new DeviceRequestAuthenticator({
          clock: Date.now,
          nonceStore: new RedisNonceStore(redis, `pushmfa:${config.topicPrefix}registry:`),
          devices,
        }),
    },
    { provide: DEVICE_REQUEST_AUTHENTICATOR, useExisting: DeviceRequestAuthenticator },
    {
      provide: RegistrationRateLimit,
      inject: [REGISTRY_REDIS],
      useFactory: (redis: Redis) => new RegistrationRateLimit(redis, `pushmfa:${config.topicPrefix}registry:`, config.registerRateLimitPerMinute),
    },
    {
      provide: EventStoreKafkaRelay,
      inject: [PostgresEventStore, KafkaEventPublisher, MetricsService, PinoLogger],
      useFactory: (store: PostgresEventStore, publisher: KafkaEventPublisher, metrics: MetricsService, logger: PinoLogger) =>
        new EventStoreKafkaRelay({
          store,
          publisher,
          map: mapRegistryEvent,
          topicPrefix: config.topicPrefix,
          metrics,
          onError: (error) => logger.error({ error: String(error) }, 'relay: publishing to Kafka failed; will retry'),
        }),
    },
  ];
}
