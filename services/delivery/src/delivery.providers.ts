import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger, type Provider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { topicName } from '@pushmfa/contracts';
import { type ContractConsumer, createKafka, KafkaEventPublisher } from '@pushmfa/messaging';
import { MetricsService } from '@pushmfa/observability';
import { createServicePool, PgInbox } from '@pushmfa/postgres';
import type { DeliveryConfig } from './config';
import { CHALLENGE_DISPATCH_GROUP, createChallengeDispatchConsumer } from './consuming/challenge-dispatch.consumer';
import { ConsumerLagSampler } from './consuming/consumer-lag.sampler';
import { consumerLog } from './consuming/consumer-log';
import { createRegistryTopicConsumer } from './consuming/registry-topic.consumer';
import { CIRCUIT_BREAKERS, DELIVERY_CONFIG, DELIVERY_CONSUMERS, DELIVERY_DATABASE, DELIVERY_KAFKA, PUSH_PROVIDERS } from './delivery.di-tokens';
import { DeviceDirectory } from './devices/device-directory';
import { DeliveryEventPublisher } from './dispatching/delivery-event.publisher';
import { DeliveryMetrics } from './dispatching/delivery-metrics';
import { dispatchLatencyRecorder } from './dispatching/push-dispatch-latency.metric';
import { PushDeadLetters } from './dispatching/push-dead-letters';
import { type CircuitBreakersByName, PushDispatcher, type PushProvidersByName } from './dispatching/push-dispatcher';
import { PushScheduler } from './dispatching/push-scheduler';
import { PushTryReads } from './dispatching/push-try-reads';
import { PendingPushRecovery } from './pending/pending-push-recovery';
import { PendingPushes } from './pending/pending-pushes';
import { ProviderCircuitBreaker } from './providers/provider-circuit-breaker';
import { TestPushSender } from './test-pushes/test-push-sender';

/**
 * Delivery's connections and the parts built on them, each under its token. Nothing connects or starts here: the
 * `DeliveryLifecycle` migrates, connects and starts them in order. `pushProviders` are built by the caller (main.ts
 * from push-providers.config.ts; tests against the emulators).
 */
export function deliveryProviders(config: DeliveryConfig, pushProviders: PushProvidersByName): Provider[] {
  const { schema } = config;
  return [
    { provide: DELIVERY_CONFIG, useValue: config },
    { provide: PUSH_PROVIDERS, useValue: pushProviders },
    {
      provide: DELIVERY_DATABASE,
      // A client losing its connection, idle or checked out, must not crash the process; its query reports it.
      useFactory: (): Pool =>
        createServicePool({
          connectionString: config.databaseUrl,
          applicationName: 'pushmfa-delivery',
          max: 10,
          onConnectionLost: (error) => new Logger('Postgres').warn(`database connection lost: ${error.message}`),
        }),
    },
    {
      provide: DELIVERY_KAFKA,
      useFactory: (): Kafka => createKafka({ brokers: config.brokers, security: config.kafka, clientId: 'pushmfa-delivery', log: consumerLog('Kafka') }),
    },
    { provide: KafkaEventPublisher, inject: [DELIVERY_KAFKA], useFactory: (kafka: Kafka) => new KafkaEventPublisher(kafka) },
    { provide: PushDeadLetters, inject: [DELIVERY_KAFKA], useFactory: (kafka: Kafka) => new PushDeadLetters(kafka, config.topicPrefix) },
    { provide: PgInbox, inject: [DELIVERY_DATABASE], useFactory: (pool: Pool) => new PgInbox(pool, schema) },
    { provide: DeviceDirectory, inject: [DELIVERY_DATABASE], useFactory: (pool: Pool) => new DeviceDirectory(pool, schema) },
    {
      provide: PushScheduler,
      useFactory: () => {
        const logger = new Logger('PushScheduler');
        return new PushScheduler(config.concurrency, (error) => logger.error(`push failed unexpectedly: ${String(error)}`));
      },
    },

    // The breakers count their openings themselves; DeliveryMetrics reports their state.
    {
      provide: CIRCUIT_BREAKERS,
      inject: [MetricsService],
      useFactory: (metrics: MetricsService): CircuitBreakersByName => {
        const logger = new Logger('ProviderCircuitBreaker');
        const opened = metrics.counter({
          name: 'delivery_provider_circuit_opened_total',
          help: 'Times a provider circuit breaker opened after a credentials or configuration error',
          labelNames: ['provider'],
        });
        const breakers: CircuitBreakersByName = {};
        for (const name of ['fcm', 'apns'] as const) {
          if (!pushProviders[name]) continue;
          breakers[name] = new ProviderCircuitBreaker(name, config.breakerCooldownMs, (provider, reason) => {
            opened.inc({ provider });
            logger.error(
              `${provider} refused our credentials or configuration (${reason}): not calling it for ${config.breakerCooldownMs} ms; pushes fail with provider_unavailable meanwhile`,
            );
          });
        }
        return breakers;
      },
    },
    {
      provide: DeliveryMetrics,
      inject: [MetricsService, PushScheduler, CIRCUIT_BREAKERS],
      useFactory: (metrics: MetricsService, scheduler: PushScheduler, breakers: CircuitBreakersByName) =>
        new DeliveryMetrics(metrics, scheduler, Object.values(breakers)),
    },

    // A push from its pending row to its outcome event.
    {
      provide: DeliveryEventPublisher,
      inject: [KafkaEventPublisher, DeliveryMetrics],
      useFactory: (publisher: KafkaEventPublisher, metrics: DeliveryMetrics) =>
        new DeliveryEventPublisher(publisher, config.topicPrefix, metrics.recordOutcome),
    },
    {
      provide: PendingPushes,
      inject: [DELIVERY_DATABASE],
      // The lease owner: unique per process start, so a restarted worker takes over its own old rows like any other.
      useFactory: (pool: Pool) => new PendingPushes(pool, schema, `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`, config.leaseMs),
    },
    {
      provide: PushDispatcher,
      inject: [
        PushScheduler,
        DELIVERY_DATABASE,
        PUSH_PROVIDERS,
        CIRCUIT_BREAKERS,
        DeliveryEventPublisher,
        PushDeadLetters,
        DeliveryMetrics,
        PendingPushes,
        MetricsService,
      ],
      useFactory: (
        scheduler: PushScheduler,
        pool: Pool,
        providers: PushProvidersByName,
        breakers: CircuitBreakersByName,
        events: DeliveryEventPublisher,
        deadLetters: PushDeadLetters,
        deliveryMetrics: DeliveryMetrics,
        pending: PendingPushes,
        metrics: MetricsService,
      ) =>
        new PushDispatcher(scheduler, new PushTryReads(pool, schema), {
          providers,
          breakers,
          events,
          deadLetters,
          metrics: deliveryMetrics,
          pending,
          recordDispatchLatency: dispatchLatencyRecorder(metrics),
        }),
    },
    {
      provide: PendingPushRecovery,
      inject: [PendingPushes, PushDispatcher],
      useFactory: (pending: PendingPushes, dispatcher: PushDispatcher) => new PendingPushRecovery(pending, dispatcher, config.leaseMs, config.sweepIntervalMs),
    },
    {
      provide: TestPushSender,
      inject: [PushScheduler, DeviceDirectory, PUSH_PROVIDERS, CIRCUIT_BREAKERS, DeliveryEventPublisher, DeliveryMetrics],
      useFactory: (
        scheduler: PushScheduler,
        devices: DeviceDirectory,
        providers: PushProvidersByName,
        breakers: CircuitBreakersByName,
        events: DeliveryEventPublisher,
        metrics: DeliveryMetrics,
      ) => new TestPushSender(scheduler, devices, providers, breakers, events, metrics),
    },

    // The consumer groups, and the lag of the one that scales.
    {
      provide: DELIVERY_CONSUMERS,
      inject: [DELIVERY_KAFKA, DELIVERY_DATABASE, TestPushSender, PushScheduler, PushDispatcher, PendingPushes, MetricsService],
      useFactory: (
        kafka: Kafka,
        pool: Pool,
        testPushes: TestPushSender,
        scheduler: PushScheduler,
        dispatcher: PushDispatcher,
        pending: PendingPushes,
        metrics: MetricsService,
      ): ContractConsumer[] => [
        createRegistryTopicConsumer({
          kafka,
          pool,
          schema,
          topicPrefix: config.topicPrefix,
          testPushes,
          log: consumerLog('RegistryTopicConsumer'),
          metrics,
        }),
        createChallengeDispatchConsumer({
          kafka,
          pool,
          schema,
          topicPrefix: config.topicPrefix,
          scheduler,
          dispatcher,
          pending,
          log: consumerLog('ChallengeDispatchConsumer'),
          metrics,
        }),
      ],
    },
    {
      provide: ConsumerLagSampler,
      inject: [DELIVERY_KAFKA, MetricsService],
      useFactory: (kafka: Kafka, metrics: MetricsService) =>
        new ConsumerLagSampler(kafka, metrics, `${config.topicPrefix}${CHALLENGE_DISPATCH_GROUP}`, topicName('challenge', config.topicPrefix)),
    },
  ];
}
