import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { DeviceRequestAuthenticator, RedisNonceStore } from '@pushmfa/device-auth';
import { PostgresEventStore, type Subscription } from '@pushmfa/event-store';
import { EventStoreKafkaRelay, ServiceRuntime } from '@pushmfa/messaging';
import { ReadinessRegistry } from '@pushmfa/observability';
import { ApiKeyDirectory } from '@pushmfa/workspace-access';
import type { RegistryConfig } from './config';
import { mapRegistryEvent } from './publishing/registry-integration.mapper';

export const REGISTRY_CONFIG = Symbol('REGISTRY_CONFIG');
const SCHEMA = 'registry';

/** The registry's connections and background work: event store, Kafka relay, API-key projection, Redis. */
@Injectable()
export class RegistryRuntime implements OnModuleInit, OnApplicationShutdown {
  readonly runtime: ServiceRuntime;
  readonly store: PostgresEventStore;
  readonly apiKeys: ApiKeyDirectory;
  readonly redis: Redis;
  readonly deviceAuth: DeviceRequestAuthenticator;
  private readonly relay: EventStoreKafkaRelay;
  private apiKeyProjection?: Subscription;

  constructor(
    @Inject(REGISTRY_CONFIG) readonly config: RegistryConfig,
    private readonly readiness: ReadinessRegistry,
    private readonly logger: PinoLogger,
  ) {
    const log = (level: 'error' | 'warn' | 'info', message: string, extra?: Record<string, unknown>) => this.logger[level](extra ?? {}, message);
    this.runtime = new ServiceRuntime({ serviceName: 'device-registry', databaseUrl: config.databaseUrl, schema: SCHEMA, brokers: config.brokers, topicPrefix: config.topicPrefix, log });
    this.store = new PostgresEventStore({ pool: this.runtime.pool, schema: SCHEMA });
    this.apiKeys = new ApiKeyDirectory(this.runtime.pool, SCHEMA);
    this.redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false });
    this.redis.on('error', (error) => this.logger.warn({ error: error.message }, 'redis connection problem'));
    this.deviceAuth = new DeviceRequestAuthenticator({
      clock: Date.now,
      nonceStore: new RedisNonceStore(this.redis, `pushmfa:${config.topicPrefix}registry:`),
      devices: { resolve: async () => null },
    });
    this.relay = new EventStoreKafkaRelay({
      store: this.store,
      publisher: this.runtime.publisher,
      map: mapRegistryEvent,
      topicPrefix: config.topicPrefix,
      onError: (error) => this.logger.error({ error: String(error) }, 'relay: publishing to Kafka failed; will retry'),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.runtime.migrateSchema((client) => this.apiKeys.migrate(client));
    await this.store.migrate();
    await this.redis.connect();
    await this.runtime.publisher.connect();
    await this.relay.start();
    // The HTTP handler writes key hashes at once (read-your-writes); this subscription repairs any it missed.
    this.apiKeyProjection = await this.store.subscribeToAll({
      subscriptionId: 'api-key-directory',
      handle: async (events) => {
        for (const event of events) {
          const message = mapRegistryEvent(event);
          if (message?.type === 'ApiKeyIssued' || message?.type === 'ApiKeyRevoked') await this.apiKeys.apply(this.runtime.pool, message);
        }
      },
    });
    this.readiness.register('database', () => this.runtime.databaseAnswers());
    this.readiness.register('broker', () => this.runtime.publisher.isConnected);
    this.readiness.register('redis', () => this.redis.status === 'ready');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.apiKeyProjection?.stop();
    await this.relay.stop();
    this.redis.disconnect();
    await this.runtime.close();
  }
}
