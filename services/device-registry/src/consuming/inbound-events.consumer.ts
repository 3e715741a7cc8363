import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { type ContractEnvelope, topicName } from '@pushmfa/contracts';
import { ContractConsumer, ViewFreshness } from '@pushmfa/messaging';
import { MetricsService, runWithCorrelationId, withExtractedContext, leveledLog } from '@pushmfa/observability';
import { PgInbox } from '@pushmfa/postgres';
import { DeadTokenInvalidator } from '../device/invalidating-push-token/dead-token.invalidator';
import type { RegistryConfig } from '../config';
import { PUSH_LOCK_FRESHNESS, REGISTRY_CONFIG, REGISTRY_KAFKA } from '../device-registry.di-tokens';
import { PUSH_LOCK_EVENT_TYPES, PUSH_LOCK_VIEW_CONSUMER, PushLockView } from '../user/push-lock-view/push-lock-view';

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
export class InboundEventsConsumer {
  private readonly consumer: ContractConsumer;

  constructor(
    @Inject(REGISTRY_CONFIG) config: RegistryConfig,
    @Inject(REGISTRY_KAFKA) kafka: Kafka,
    @Inject(PUSH_LOCK_FRESHNESS) freshness: ViewFreshness,
    private readonly inbox: PgInbox,
    private readonly pushLocks: PushLockView,
    private readonly deadTokens: DeadTokenInvalidator,
    logger: PinoLogger,
    metrics: MetricsService,
  ) {
    this.consumer = new ContractConsumer({
      kafka,
      groupId: `${config.topicPrefix}${PUSH_LOCK_VIEW_CONSUMER}`,
      topics: [topicName('challenge', config.topicPrefix), topicName('delivery', config.topicPrefix)],
      log: leveledLog(logger),
      metrics,
      handledTypes: [...PUSH_LOCK_EVENT_TYPES, 'PushRejected'],
      // Two busy topics for three rare types: after a fetch with records the next one waits 500 ms, so the registry
      // pays at most a fetch every half second instead of one per challenge event, and an idle view asks every 2 s.
      // A lift still waits for the view to be current (ViewFreshness), and the challenge service enforces a lock on
      // its own at once.
      gatherMs: 500,
      onSettled: (topic, partition, offset) => freshness.settled(topic, partition, offset),
      handleBatch: async (items) => {
        const envelopes = items.map((item) => item.envelope);
        await this.inbox.handleBatchOnce(
          PUSH_LOCK_VIEW_CONSUMER,
          envelopes.filter((envelope): envelope is LockingEnvelope => LOCKING_TYPES.has(envelope.type)),
          (envelope) => envelope.id,
          (client, fresh) => this.pushLocks.applyLocks(client, fresh),
        );
        // Each dead token in its record's trace and correlation, so the PushTokenInvalidated it records carries them.
        for (const { envelope, traceparent } of items) {
          if (envelope.type !== 'PushRejected') continue;
          await withExtractedContext(traceparent, () => runWithCorrelationId(envelope.correlationId, () => this.deadTokens.apply(envelope)));
        }
      },
    });
  }

  get isReady(): boolean {
    return this.consumer.isReady;
  }

  /** Called by the lifecycle once the tables it writes exist. */
  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}
