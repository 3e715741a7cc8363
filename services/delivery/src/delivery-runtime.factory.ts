import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { topicName } from '@pushmfa/contracts';
import { createKafka, KafkaEventPublisher } from '@pushmfa/messaging';
import type { MetricsService } from '@pushmfa/observability';
import { ChallengeViews } from './challenges/challenge-views';
import type { DeliveryConfig } from './config';
import { consumerLog } from './consuming/consumer-log';
import { CHALLENGE_DISPATCH_GROUP, createChallengeDispatchConsumer } from './consuming/challenge-dispatch.consumer';
import { ConsumerLagSampler } from './consuming/consumer-lag.sampler';
import { createRegistryTopicConsumer } from './consuming/registry-topic.consumer';
import { DeviceDirectory } from './devices/device-directory';
import { DeliveryEventPublisher } from './dispatching/delivery-event.publisher';
import { DeliveryMetrics } from './dispatching/delivery-metrics';
import { dispatchLatencyRecorder } from './dispatching/push-dispatch-latency.metric';
import { PushDeadLetters } from './dispatching/push-dead-letters';
import { type CircuitBreakersByName, PushDispatcher, type PushProvidersByName } from './dispatching/push-dispatcher';
import { PushScheduler } from './dispatching/push-scheduler';
import { PendingPushRecovery } from './pending/pending-push-recovery';
import { PendingPushes } from './pending/pending-pushes';
import { ProviderCircuitBreaker } from './providers/provider-circuit-breaker';
import { DeliveryRuntime } from './delivery-runtime';
import { TestPushSender } from './test-pushes/test-push-sender';
import { createServicePool } from '@pushmfa/postgres';

/** Wires delivery's parts from its configuration and its push providers. Connects nothing yet. */
export function buildDeliveryRuntime(config: DeliveryConfig, providers: PushProvidersByName, metrics: MetricsService): DeliveryRuntime {
  // A client losing its connection, idle or checked out, must not crash the process; its query reports it.
  const pool = createServicePool({
    connectionString: config.databaseUrl,
    applicationName: 'pushmfa-delivery',
    max: 10,
    onConnectionLost: (error) => new Logger('Postgres').warn(`database connection lost: ${error.message}`),
  });
  const kafka = createKafka({ brokers: config.brokers, security: config.kafka, clientId: 'pushmfa-delivery', log: consumerLog('Kafka') });
  const publisher = new KafkaEventPublisher(kafka);
  const schedulerLogger = new Logger('PushScheduler');
  const scheduler = new PushScheduler(config.concurrency, (error) => schedulerLogger.error(`push failed unexpectedly: ${String(error)}`));
  const views = new ChallengeViews(pool, config.schema);
  const devices = new DeviceDirectory(pool, config.schema);
  const breakerLogger = new Logger('ProviderCircuitBreaker');
  let deliveryMetrics: DeliveryMetrics | undefined;
  const breakers: CircuitBreakersByName = {};
  for (const name of ['fcm', 'apns'] as const) {
    if (!providers[name]) continue;
    breakers[name] = new ProviderCircuitBreaker(name, config.breakerCooldownMs, (provider, reason) => {
      deliveryMetrics?.countBreakerOpened(provider);
      breakerLogger.error(
        `${provider} refused our credentials or configuration (${reason}): not calling it for ${config.breakerCooldownMs} ms; pushes fail with provider_unavailable meanwhile`,
      );
    });
  }
  deliveryMetrics = new DeliveryMetrics(metrics, scheduler, Object.values(breakers));
  const events = new DeliveryEventPublisher(publisher, config.topicPrefix, deliveryMetrics.recordOutcome);
  const deadLetters = new PushDeadLetters(kafka, config.topicPrefix);
  const pending = new PendingPushes(pool, config.schema, `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`, config.leaseMs);
  const dispatcher = new PushDispatcher(scheduler, views, devices, {
    providers,
    breakers,
    events,
    deadLetters,
    metrics: deliveryMetrics,
    pending,
    recordDispatchLatency: dispatchLatencyRecorder(metrics),
  });
  const recovery = new PendingPushRecovery(pending, dispatcher, config.leaseMs, config.sweepIntervalMs);
  const consumers = [
    createRegistryTopicConsumer({
      kafka,
      pool,
      schema: config.schema,
      topicPrefix: config.topicPrefix,
      testPushes: new TestPushSender(scheduler, devices, providers, breakers, events, deliveryMetrics),
      log: consumerLog('RegistryTopicConsumer'),
      metrics,
    }),
    createChallengeDispatchConsumer({
      kafka,
      pool,
      schema: config.schema,
      topicPrefix: config.topicPrefix,
      views,
      scheduler,
      dispatcher,
      pending,
      log: consumerLog('ChallengeDispatchConsumer'),
      metrics,
    }),
  ];
  const lagSampler = new ConsumerLagSampler(kafka, metrics, `${config.topicPrefix}${CHALLENGE_DISPATCH_GROUP}`, topicName('challenge', config.topicPrefix));
  return new DeliveryRuntime({
    pool,
    schema: config.schema,
    publisher,
    deadLetters,
    lagSampler,
    recovery,
    consumers,
    scheduler,
    providers,
    drainTimeoutMs: config.drainTimeoutMs,
  });
}
