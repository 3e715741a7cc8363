import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { topicName } from '@pushmfa/contracts';
import { ContractConsumer } from '@pushmfa/messaging';
import type { MetricsService } from '@pushmfa/observability';
import { PgInbox } from '@pushmfa/postgres';
import { applyDeviceEvent, DEVICE_EVENT_TYPES } from '../devices/device-projection';
import { type TestPushJob, testPushJobOf } from '../test-pushes/test-push-job';
import type { TestPushSender } from '../test-pushes/test-push-sender';
import type { ConsumerLog } from './consumer-log';

/** The group id predates the test pushes joining it: kept, so a running deployment resumes from its offsets. */
export const REGISTRY_TOPIC_GROUP = 'delivery.device-projection';
/** The inbox marks of each part, apart: each part of a fetched batch is applied once, whatever the other did. */
export const DEVICE_PROJECTION_INBOX = 'delivery.device-projection';
export const TEST_PUSH_INBOX = 'delivery.test-pushes';

export interface RegistryTopicConsumerDeps {
  kafka: Kafka;
  pool: Pool;
  schema: string;
  topicPrefix: string;
  testPushes: TestPushSender;
  log: ConsumerLog;
  metrics?: MetricsService;
}

/**
 * delivery's one consumer of `pushmfa.registry.v1`: each fetched batch keeps `delivery.devices` in step (device
 * events, in offset order: a pairing before its revocation, one transaction), then sends the admins' test pushes
 * it asks for (TestPushRequested), so a test push of a phone paired in the same batch finds its token. Each part
 * records its own inbox marks in its own transaction; the test pushes are handed to the sender after theirs
 * committed, without being awaited.
 */
export function createRegistryTopicConsumer(deps: RegistryTopicConsumerDeps): ContractConsumer {
  const { pool, schema, testPushes } = deps;
  const inbox = new PgInbox(pool, schema);
  const deviceTypes: ReadonlySet<string> = new Set(DEVICE_EVENT_TYPES);
  return new ContractConsumer({
    kafka: deps.kafka,
    groupId: `${deps.topicPrefix}${REGISTRY_TOPIC_GROUP}`,
    topics: [topicName('registry', deps.topicPrefix)],
    log: deps.log,
    metrics: deps.metrics,
    handledTypes: [...DEVICE_EVENT_TYPES, 'TestPushRequested'],
    handleBatch: async (items) => {
      await inbox.handleBatchOnce(
        DEVICE_PROJECTION_INBOX,
        items.filter((item) => deviceTypes.has(item.envelope.type)),
        (item) => item.envelope.id,
        async (client, fresh) => {
          for (const item of fresh) await applyDeviceEvent(client, schema, item.envelope);
        },
      );
      const jobs: TestPushJob[] = [];
      await inbox.handleBatchOnce(
        TEST_PUSH_INBOX,
        items.filter((item) => item.envelope.type === 'TestPushRequested'),
        (item) => item.envelope.id,
        async (_client, fresh) => {
          for (const { envelope, traceparent } of fresh) {
            const job = testPushJobOf(envelope, traceparent);
            if (job) jobs.push(job);
          }
        },
      );
      for (const job of jobs) testPushes.send(job);
    },
  });
}
