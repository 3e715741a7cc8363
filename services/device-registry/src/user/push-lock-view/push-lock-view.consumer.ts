import { type BeforeApplicationShutdown, Injectable, type OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { topicName } from '@pushmfa/contracts';
import { ContractConsumer } from '@pushmfa/messaging';
import { MetricsService, ReadinessRegistry } from '@pushmfa/observability';
import { PgInbox } from '@pushmfa/postgres';
import { REGISTRY_SCHEMA, RegistryRuntime } from '../../registry-runtime';
import { PUSH_LOCK_EVENT_TYPES, PUSH_LOCK_VIEW_CONSUMER } from './push-lock-view';

/**
 * Keeps the registry's view of push locks (PushLockView) from the challenge topic: a fetched batch in one
 * transaction, each event once (inbox), the locks of the batch in one statement.
 */
@Injectable()
export class PushLockViewConsumer implements OnModuleInit, BeforeApplicationShutdown {
  private readonly consumer: ContractConsumer;
  private readonly inbox: PgInbox;

  constructor(
    private readonly runtime: RegistryRuntime,
    private readonly readiness: ReadinessRegistry,
    logger: PinoLogger,
    metrics: MetricsService,
  ) {
    const { config } = runtime;
    this.inbox = new PgInbox(runtime.runtime.pool, REGISTRY_SCHEMA);
    this.consumer = new ContractConsumer({
      kafka: runtime.runtime.kafka,
      groupId: `${config.topicPrefix}${PUSH_LOCK_VIEW_CONSUMER}`,
      topics: [topicName('challenge', config.topicPrefix)],
      log: (level, message, extra) => logger[level](extra ?? {}, message),
      metrics,
      // The topic is mostly challenges coming and going: skipped unvalidated.
      handledTypes: PUSH_LOCK_EVENT_TYPES,
      onSettled: (topic, partition, offset) => this.runtime.pushLockFreshness.settled(topic, partition, offset),
      handleBatch: async (items) => {
        await this.inbox.handleBatchOnce(
          PUSH_LOCK_VIEW_CONSUMER,
          items,
          (item) => item.envelope.id,
          (client, fresh) =>
            this.runtime.pushLocks.applyLocks(
              client,
              fresh.map((item) => item.envelope),
            ),
        );
      },
    });
  }

  async onModuleInit(): Promise<void> {
    // The view's table too: this consumer may start before the runtime has migrated it.
    await this.runtime.runtime.migrateSchema(async (client) => {
      await this.inbox.migrate(client);
      await this.runtime.pushLocks.migrate(client);
    });
    await this.consumer.start();
    this.readiness.register('push-lock-view-consumer', () => this.consumer.isReady);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop().catch(() => undefined);
  }
}
