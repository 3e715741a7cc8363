import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { topicName } from '@pushmfa/contracts';
import { DeviceRequestAuthenticator, RedisNonceStore } from '@pushmfa/device-auth';
import { PostgresEventStore } from '@pushmfa/event-store';
import { ContractConsumer, EventStoreKafkaRelay, ServiceRuntime, ViewFreshness } from '@pushmfa/messaging';
import { MetricsService, ReadinessRegistry } from '@pushmfa/observability';
import { ApiKeyDirectory } from '@pushmfa/workspace-access';
import type { ChallengeConfig } from './config';
import { mapChallengeEvent } from './publishing/challenge-integration.mapper';
import { IdempotencyKeys } from './push-challenge/issuing/idempotency-keys';
import { ChallengeProjection } from './read-models/challenge-projection';
import { RegistryView } from './registry-view/registry-view';
import { ChallengeStatusNotifier } from './status-notifications/challenge-status-notifier';
import { PgInbox } from '@pushmfa/postgres';
import { KeyedSecretBox } from '@pushmfa/service-config';
import { OfflineCodeSecrets } from './offline-code/offline-code-secrets';

export const CHALLENGE_CONFIG = Symbol('CHALLENGE_CONFIG');
const SCHEMA = 'challenge';
const REGISTRY_CONSUMER = 'challenge.registry-view';

/** The challenge service's connections and background work: event store, its read models and relay, registry view, Redis. */
@Injectable()
export class ChallengeRuntime implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  readonly schema = SCHEMA;
  readonly runtime: ServiceRuntime;
  readonly projection = new ChallengeProjection(SCHEMA);
  readonly idempotencyKeys = new IdempotencyKeys(SCHEMA);
  readonly store: PostgresEventStore;
  readonly apiKeys: ApiKeyDirectory;
  readonly registry: RegistryView;
  readonly redis: Redis;
  readonly notifier: ChallengeStatusNotifier;
  readonly deviceAuth: DeviceRequestAuthenticator;
  /** The devices' offline-code secrets, sealed with OFFLINE_CODE_ENCRYPTION_KEY. */
  readonly offlineCodes: OfflineCodeSecrets;
  private readonly subscriber: Redis;
  private readonly inbox: PgInbox;
  private readonly relay: EventStoreKafkaRelay;
  private readonly registryConsumer: ContractConsumer;
  /** Shows the registry view is current before a key, a device or a setting is trusted; 503 when it cannot. */
  readonly registryFreshness: ViewFreshness;

  constructor(
    @Inject(CHALLENGE_CONFIG) readonly config: ChallengeConfig,
    private readonly readiness: ReadinessRegistry,
    private readonly logger: PinoLogger,
    metrics: MetricsService,
  ) {
    const log = (level: 'error' | 'warn' | 'info', message: string, extra?: Record<string, unknown>) => this.logger[level](extra ?? {}, message);
    this.runtime = new ServiceRuntime({
      serviceName: 'challenge',
      databaseUrl: config.databaseUrl,
      schema: SCHEMA,
      brokers: config.brokers,
      kafka: config.kafka,
      topicPrefix: config.topicPrefix,
      log,
    });
    const { pool } = this.runtime;
    this.store = new PostgresEventStore({ pool, schema: SCHEMA });
    const registryTopic = topicName('registry', config.topicPrefix);
    const registryGroup = `${config.topicPrefix}${REGISTRY_CONSUMER}`;
    this.registryFreshness = new ViewFreshness({
      kafka: this.runtime.kafka,
      topic: registryTopic,
      groupId: registryGroup,
      maxWaitMs: config.registryViewMaxWaitMs,
    });
    this.apiKeys = new ApiKeyDirectory(pool, SCHEMA, this.registryFreshness);
    this.registry = new RegistryView(pool, SCHEMA, this.registryFreshness);
    this.inbox = new PgInbox(pool, SCHEMA);
    this.offlineCodes = new OfflineCodeSecrets(SCHEMA, new KeyedSecretBox(config.offlineCodeKeys));
    if (config.offlineCodeKeyDefaulted) {
      log(
        'warn',
        'OFFLINE_CODE_ENCRYPTION_KEY is not set: offline-code secrets are sealed with the fixed development key (production mode refuses to start so)',
      );
    }
    const redisOptions = { lazyConnect: true, maxRetriesPerRequest: 2 };
    // Commands issued in one tick (nonces, wake-ups of concurrent requests) leave in one write.
    this.redis = new Redis(config.redisUrl, { ...redisOptions, enableAutoPipelining: true });
    this.subscriber = new Redis(config.redisUrl, redisOptions);
    for (const client of [this.redis, this.subscriber]) client.on('error', (error) => this.logger.warn({ error: error.message }, 'redis connection problem'));
    const redisPrefix = `pushmfa:${config.topicPrefix}`;
    this.notifier = new ChallengeStatusNotifier(this.redis, this.subscriber, redisPrefix);
    this.deviceAuth = new DeviceRequestAuthenticator({
      clock: Date.now,
      nonceStore: new RedisNonceStore(this.redis, `${redisPrefix}challenge:`),
      devices: this.registry,
    });
    this.relay = new EventStoreKafkaRelay({
      store: this.store,
      publisher: this.runtime.publisher,
      map: mapChallengeEvent,
      topicPrefix: config.topicPrefix,
      metrics,
      onError: (error) => this.logger.error({ error: String(error) }, 'relay: publishing to Kafka failed; will retry'),
    });
    this.registryConsumer = new ContractConsumer({
      kafka: this.runtime.kafka,
      groupId: registryGroup,
      topics: [registryTopic],
      log,
      metrics,
      onSettled: (topic, partition, offset) => this.registryFreshness.settled(topic, partition, offset),
      // A fetched batch in one transaction, each event once and in offset order.
      handleBatch: async (items) => {
        await this.inbox.handleBatchOnce(
          REGISTRY_CONSUMER,
          items,
          (item) => item.envelope.id,
          async (client, fresh) => {
            for (const { envelope } of fresh) {
              await this.apiKeys.apply(client, envelope);
              await this.registry.apply(client, envelope);
            }
            await this.registry.applyLockLifts(
              client,
              fresh.map((item) => item.envelope),
            );
          },
        );
      },
    });
  }

  async onModuleInit(): Promise<void> {
    await this.runtime.migrateSchema(async (client) => {
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
    await this.runtime.publisher.connect();
    await this.relay.start();
    await this.registryFreshness.start();
    await this.registryConsumer.start();
    this.readiness.register('database', () => this.runtime.databaseAnswers());
    // The relay's listening session (LISTEN + its lock) is re-established after a database outage before this is up.
    this.readiness.register('relay', () => this.relay.isHealthy);
    this.readiness.register('broker', () => this.runtime.publisher.isConnected && this.registryConsumer.isReady);
    this.readiness.register('redis', () => this.redis.status === 'ready' && this.subscriber.status === 'ready');
  }

  /** Stop consuming before HTTP closes; in-flight requests still finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.registryConsumer.stop().catch(() => undefined);
  }

  /** After the last request; anything committed but not yet relayed is published by whichever instance runs the relay next. */
  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.registryFreshness.stop();
    this.redis.disconnect();
    this.subscriber.disconnect();
    await this.runtime.close();
  }
}
