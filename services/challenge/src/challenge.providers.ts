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
import { KeyedSecretBox } from '@pushmfa/service-config';
import { API_KEY_DIRECTORY, ApiKeyDirectory } from '@pushmfa/workspace-access';
import {
  CHALLENGE_CONFIG,
  CHALLENGE_DATABASE,
  CHALLENGE_KAFKA,
  CHALLENGE_REDIS,
  CHALLENGE_REDIS_SUBSCRIBER,
  CHALLENGE_SCHEMA as SCHEMA,
  REGISTRY_FRESHNESS,
} from './challenge.di-tokens';
import type { ChallengeConfig } from './config';
import { OfflineCodeSecrets } from './offline-code/offline-code-secrets';
import { mapChallengeEvent } from './publishing/challenge-integration.mapper';
import { IdempotencyKeys } from './push-challenge/issuing/idempotency-keys';
import { ChallengeProjection } from './read-models/challenge-projection';
import { RegistryView } from './registry-view/registry-view';
import { REGISTRY_VIEW_CONSUMER } from './registry-view/registry-view.consumer';
import { ChallengeStatusNotifier } from './status-notifications/challenge-status-notifier';

/**
 * How long the relay's stored checkpoint may trail the broker's acknowledgements: a crash publishes up to this much
 * of the log again (consumers dedupe by envelope id).
 */
const RELAY_CHECKPOINT_INTERVAL_MS = 1_000;

/**
 * Under load the relay reads and publishes about once per this many ms, with every transaction committed meanwhile,
 * instead of once per transaction; an event after a quiet spell goes at once.
 */
const RELAY_GATHER_MS = 10;

/** Both Redis connections: lazily connected (the lifecycle connects them), a command retried twice at most. */
function redisConnection(config: ChallengeConfig, logger: PinoLogger, options: { enableAutoPipelining?: boolean } = {}): Redis {
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2, ...options });
  redis.on('error', (error) => logger.warn({ error: error.message }, 'redis connection problem'));
  return redis;
}

/**
 * The challenge service's connections and the parts built on them, each under its token. Nothing connects here: the
 * `ChallengeLifecycle` migrates, connects and starts them in order.
 */
export function challengeProviders(config: ChallengeConfig): Provider[] {
  const redisPrefix = `pushmfa:${config.topicPrefix}`;
  return [
    { provide: CHALLENGE_CONFIG, useValue: config },
    servicePoolProvider(CHALLENGE_DATABASE, { serviceName: 'challenge', databaseUrl: config.databaseUrl }),
    serviceKafkaProvider(CHALLENGE_KAFKA, { serviceName: 'challenge', brokers: config.brokers, security: config.kafka }),
    { provide: KafkaEventPublisher, inject: [CHALLENGE_KAFKA], useFactory: (kafka: Kafka) => new KafkaEventPublisher(kafka) },
    {
      provide: CHALLENGE_REDIS,
      inject: [PinoLogger],
      // Commands issued in one tick (nonces, wake-ups of concurrent requests) leave in one write.
      useFactory: (logger: PinoLogger): Redis => redisConnection(config, logger, { enableAutoPipelining: true }),
    },
    { provide: CHALLENGE_REDIS_SUBSCRIBER, inject: [PinoLogger], useFactory: (logger: PinoLogger): Redis => redisConnection(config, logger) },
    { provide: PostgresEventStore, inject: [CHALLENGE_DATABASE], useFactory: (pool: Pool) => new PostgresEventStore({ pool, schema: SCHEMA }) },
    { provide: PgInbox, inject: [CHALLENGE_DATABASE], useFactory: (pool: Pool) => new PgInbox(pool, SCHEMA) },
    { provide: ChallengeProjection, useFactory: () => new ChallengeProjection(SCHEMA) },
    { provide: IdempotencyKeys, useFactory: () => new IdempotencyKeys(SCHEMA) },
    {
      provide: OfflineCodeSecrets,
      inject: [PinoLogger],
      useFactory: (logger: PinoLogger) => {
        if (config.offlineCodeKeyDefaulted) {
          logger.warn(
            {},
            'OFFLINE_CODE_ENCRYPTION_KEY is not set: offline-code secrets are sealed with the fixed development key (production mode refuses to start so)',
          );
        }
        return new OfflineCodeSecrets(SCHEMA, new KeyedSecretBox(config.offlineCodeKeys));
      },
    },
    {
      provide: REGISTRY_FRESHNESS,
      inject: [CHALLENGE_KAFKA],
      useFactory: (kafka: Kafka) =>
        new ViewFreshness({
          kafka,
          topic: topicName('registry', config.topicPrefix),
          groupId: `${config.topicPrefix}${REGISTRY_VIEW_CONSUMER}`,
          maxWaitMs: config.registryViewMaxWaitMs,
        }),
    },
    {
      provide: ApiKeyDirectory,
      inject: [CHALLENGE_DATABASE, REGISTRY_FRESHNESS],
      useFactory: (pool: Pool, freshness: ViewFreshness) => new ApiKeyDirectory(pool, SCHEMA, freshness),
    },
    { provide: API_KEY_DIRECTORY, useExisting: ApiKeyDirectory },
    {
      provide: RegistryView,
      inject: [CHALLENGE_DATABASE, REGISTRY_FRESHNESS],
      useFactory: (pool: Pool, freshness: ViewFreshness) => new RegistryView(pool, SCHEMA, freshness),
    },
    {
      provide: ChallengeStatusNotifier,
      inject: [CHALLENGE_REDIS, CHALLENGE_REDIS_SUBSCRIBER],
      useFactory: (redis: Redis, subscriber: Redis) => new ChallengeStatusNotifier(redis, subscriber, redisPrefix),
    },
    {
      provide: DeviceRequestAuthenticator,
      inject: [CHALLENGE_REDIS, RegistryView],
      useFactory: (redis: Redis, devices: RegistryView) =>
        new DeviceRequestAuthenticator({
          clock: Date.now,
          nonceStore: new RedisNonceStore(redis, `${redisPrefix}challenge:`),
          devices,
        }),
    },
    { provide: DEVICE_REQUEST_AUTHENTICATOR, useExisting: DeviceRequestAuthenticator },
    {
      provide: EventStoreKafkaRelay,
      inject: [PostgresEventStore, KafkaEventPublisher, MetricsService, PinoLogger],
      useFactory: (store: PostgresEventStore, publisher: KafkaEventPublisher, metrics: MetricsService, logger: PinoLogger) =>
        new EventStoreKafkaRelay({
          store,
          publisher,
          map: mapChallengeEvent,
          topicPrefix: config.topicPrefix,
          // Nothing here awaits publication, so the checkpoint is stored about once a second, not once per batch.
          checkpointIntervalMs: RELAY_CHECKPOINT_INTERVAL_MS,
          gatherMs: RELAY_GATHER_MS,
          metrics,
          onError: (error) => logger.error({ error: String(error) }, 'relay: publishing to Kafka failed; will retry'),
        }),
    },
  ];
}
