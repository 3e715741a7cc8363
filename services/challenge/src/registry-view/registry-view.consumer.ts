import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { topicName } from '@pushmfa/contracts';
import { ContractConsumer, ViewFreshness } from '@pushmfa/messaging';
import { MetricsService, leveledLog } from '@pushmfa/observability';
import { PgInbox } from '@pushmfa/postgres';
import { ApiKeyDirectory } from '@pushmfa/workspace-access';
import { CHALLENGE_CONFIG, CHALLENGE_KAFKA, REGISTRY_FRESHNESS } from '../challenge.di-tokens';
import type { ChallengeConfig } from '../config';
import { RegistryView } from './registry-view';

/** The registry view's consumer group (its committed offsets on the registry topic show how current the view is) and inbox name. */
export const REGISTRY_VIEW_CONSUMER = 'challenge.registry-view';

/**
 * Keeps the registry view (API keys, workspaces, devices, pools, push-lock lifts) from `pushmfa.registry.v1`: a
 * fetched batch in one transaction, each event once and in offset order. Started and stopped by the lifecycle, once
 * the tables it writes exist.
 */
@Injectable()
export class RegistryViewConsumer {
  private readonly consumer: ContractConsumer;

  constructor(
    @Inject(CHALLENGE_CONFIG) config: ChallengeConfig,
    @Inject(CHALLENGE_KAFKA) kafka: Kafka,
    @Inject(REGISTRY_FRESHNESS) freshness: ViewFreshness,
    private readonly inbox: PgInbox,
    private readonly apiKeys: ApiKeyDirectory,
    private readonly registry: RegistryView,
    logger: PinoLogger,
    metrics: MetricsService,
  ) {
    this.consumer = new ContractConsumer({
      kafka,
      groupId: `${config.topicPrefix}${REGISTRY_VIEW_CONSUMER}`,
      topics: [topicName('registry', config.topicPrefix)],
      log: leveledLog(logger),
      metrics,
      onSettled: (topic, partition, offset) => freshness.settled(topic, partition, offset),
      handleBatch: async (items) => {
        await this.inbox.handleBatchOnce(
          REGISTRY_VIEW_CONSUMER,
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

  get isReady(): boolean {
    return this.consumer.isReady;
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}
