import { type BeforeApplicationShutdown, Injectable, type OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { type ContractEnvelope, topicName } from '@pushmfa/contracts';
import { ContractConsumer } from '@pushmfa/messaging';
import { MetricsService, ReadinessRegistry, runWithCorrelationId, withExtractedContext } from '@pushmfa/observability';
import { PgInbox } from '@pushmfa/postgres';
import { DeadTokenInvalidator } from '../device/invalidating-push-token/dead-token.invalidator';
import { REGISTRY_SCHEMA, RegistryRuntime } from '../registry-runtime';
import { PUSH_LOCK_EVENT_TYPES, PUSH_LOCK_VIEW_CONSUMER } from '../user/push-lock-view/push-lock-view';

type LockingEnvelope = ContractEnvelope<(typeof PUSH_LOCK_EVENT_TYPES)[number]>;
const LOCKING_TYPES: ReadonlySet<string> = new Set(PUSH_LOCK_EVENT_TYPES);

/**
 * The registry's one consumer of other services' topics: the challenge topic's push locks (FraudReported,
 * PushLocked → PushLockView: a fetched batch in one transaction, each event once, the batch's locks in one
 * statement) and the delivery topic's dead push tokens (PushRejected → the device's token is marked invalid, each
 * once). Both topics are mostly challenges and pushes coming and going: those records are skipped unvalidated. The
 * group is the push-lock view's (its committed offsets on the challenge topic show how current the view is).
 */
@Injectable()
export class InboundEventsConsumer implements OnModuleInit, BeforeApplicationShutdown {
  private readonly consumer: ContractConsumer;
  private readonly inbox: PgInbox;

  constructor(
    private readonly runtime: RegistryRuntime,
    private readonly deadTokens: DeadTokenInvalidator,
    private readonly readiness: ReadinessRegistry,
    logger: PinoLogger,
    metrics: MetricsService,
  ) {
    const { config } = runtime;
    this.inbox = new PgInbox(runtime.runtime.pool, REGISTRY_SCHEMA);
    this.consumer = new ContractConsumer({
      kafka: runtime.runtime.kafka,
      groupId: `${config.topicPrefix}${PUSH_LOCK_VIEW_CONSUMER}`,
      topics: [topicName('challenge', config.topicPrefix), topicName('delivery', config.topicPrefix)],
      log: (level, message, extra) => logger[level](extra ?? {}, message),
      metrics,
      handledTypes: [...PUSH_LOCK_EVENT_TYPES, 'PushRejected'],
      onSettled: (topic, partition, offset) => this.runtime.pushLockFreshness.settled(topic, partition, offset),
      handleBatch: async (items) => {
        const envelopes = items.map((item) => item.envelope);
        await this.inbox.handleBatchOnce(
          PUSH_LOCK_VIEW_CONSUMER,
          envelopes.filter((envelope): envelope is LockingEnvelope => LOCKING_TYPES.has(envelope.type)),
          (envelope) => envelope.id,
          (client, fresh) => this.runtime.pushLocks.applyLocks(client, fresh),
        );
        // Each dead token in its record's trace and correlation, so the PushTokenInvalidated it records carries them.
        for (const { envelope, traceparent } of items) {
          if (envelope.type !== 'PushRejected') continue;
          await withExtractedContext(traceparent, () => runWithCorrelationId(envelope.correlationId, () => this.deadTokens.apply(envelope)));
        }
      },
    });
  }

  async onModuleInit(): Promise<void> {
    // The tables it writes too: this consumer may start before the runtime has migrated them.
    await this.runtime.runtime.migrateSchema(async (client) => {
      await this.inbox.migrate(client);
      await this.runtime.pushLocks.migrate(client);
      await this.runtime.devices.migrate(client);
    });
    await this.consumer.start();
    this.readiness.register('inbound-events-consumer', () => this.consumer.isReady);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop().catch(() => undefined);
  }
}
