import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { topicName } from '@pushmfa/contracts';
import { ContractConsumer } from '@pushmfa/messaging';
import type { MetricsService } from '@pushmfa/observability';
import { PgInbox } from '@pushmfa/postgres';
import type { ConsumerLog } from '../consuming/consumer-log';
import { TEST_PUSH_TTL_MS, type TestPushJob } from './test-push-job';
import type { TestPushSender } from './test-push-sender';

export const TEST_PUSH_GROUP = 'delivery.test-pushes';

/**
 * Sends each admin's test push (TestPushRequested on `pushmfa.registry.v1`) once: the batch's inbox marks commit
 * first, then its pushes are handed to the sender without being awaited.
 */
export function createTestPushConsumer(
  kafka: Kafka,
  pool: Pool,
  schema: string,
  topicPrefix: string,
  sender: TestPushSender,
  log: ConsumerLog,
  metrics?: MetricsService,
) {
  const inbox = new PgInbox(pool, schema);
  return new ContractConsumer({
    kafka,
    groupId: `${topicPrefix}${TEST_PUSH_GROUP}`,
    topics: [topicName('registry', topicPrefix)],
    log,
    metrics,
    handledTypes: ['TestPushRequested'],
    handleBatch: async (items) => {
      let jobs: TestPushJob[] = [];
      await inbox.handleBatchOnce(
        TEST_PUSH_GROUP,
        items,
        (item) => item.envelope.id,
        async (_client, fresh) => {
          jobs = fresh.flatMap(({ envelope, traceparent }): TestPushJob[] => {
            if (envelope.type !== 'TestPushRequested') return [];
            const { testPushId, userId, deviceId, requestedAt } = envelope.data;
            const expiresAtMs = Date.parse(requestedAt) + TEST_PUSH_TTL_MS;
            const { workspaceId, correlationId, id: causationId } = envelope;
            return [{ workspaceId, testPushId, userId, deviceId, expiresAtMs, tryNumber: 1, deviceLookups: 0, correlationId, causationId, traceparent }];
          });
        },
      );
      for (const job of jobs) sender.send(job);
    },
  });
}
