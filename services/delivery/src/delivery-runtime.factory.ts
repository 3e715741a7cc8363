import { Logger } from '@nestjs/common';
import { Pool } from 'pg';
import { createKafka, KafkaEventPublisher } from '@pushmfa/messaging';
import type { MetricsService } from '@pushmfa/observability';
import { ChallengeViews } from './challenges/challenge-views';
import type { DeliveryConfig } from './config';
import { consumerLog } from './consuming/consumer-log';
import { createChallengeDispatchConsumer } from './consuming/challenge-dispatch.consumer';
import { createDeviceProjectionConsumer } from './consuming/device-projection.consumer';
import { DeviceDirectory } from './devices/device-directory';
import { DeliveryEventPublisher } from './dispatching/delivery-event.publisher';
import { registerDeliveryMetrics } from './dispatching/delivery-metrics';
import { PushDispatcher, type PushProvidersByName } from './dispatching/push-dispatcher';
import { PushScheduler } from './dispatching/push-scheduler';
import { DeliveryRuntime } from './delivery-runtime';

/** Wires delivery's parts from its configuration and its push providers. Connects nothing yet. */
export function buildDeliveryRuntime(config: DeliveryConfig, providers: PushProvidersByName, metrics: MetricsService): DeliveryRuntime {
  const pool = new Pool({ connectionString: config.databaseUrl, max: 10, connectionTimeoutMillis: 5000 });
  pool.on('error', (error) => new Logger('Postgres').warn(`idle client error: ${error.message}`));
  const kafka = createKafka({ brokers: config.brokers, clientId: 'pushmfa-delivery', log: consumerLog('Kafka') });
  const publisher = new KafkaEventPublisher(kafka);
  const schedulerLogger = new Logger('PushScheduler');
  const scheduler = new PushScheduler(config.concurrency, (error) => schedulerLogger.error(`push failed unexpectedly: ${String(error)}`));
  const views = new ChallengeViews(pool, config.schema);
  const devices = new DeviceDirectory(pool, config.schema);
  const events = new DeliveryEventPublisher(publisher, config.topicPrefix, registerDeliveryMetrics(metrics, scheduler));
  const dispatcher = new PushDispatcher(scheduler, views, devices, providers, events);
  const consumers = [
    createDeviceProjectionConsumer(kafka, pool, config.schema, config.topicPrefix, consumerLog('DeviceProjectionConsumer')),
    createChallengeDispatchConsumer({
      kafka,
      pool,
      schema: config.schema,
      topicPrefix: config.topicPrefix,
      views,
      scheduler,
      dispatcher,
      log: consumerLog('ChallengeDispatchConsumer'),
    }),
  ];
  return new DeliveryRuntime({ pool, schema: config.schema, publisher, consumers, scheduler, providers, drainTimeoutMs: config.drainTimeoutMs });
}
