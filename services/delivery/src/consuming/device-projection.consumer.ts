import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { topicName } from '@pushmfa/contracts';
import { ContractConsumer } from '@pushmfa/messaging';
import type { MetricsService } from '@pushmfa/observability';
import { applyDeviceEvent, DEVICE_EVENT_TYPES } from '../devices/device-projection';
import type { ConsumerLog } from './consumer-log';
import { PgInbox } from '@pushmfa/postgres';

export const DEVICE_PROJECTION_GROUP = 'delivery.device-projection';

/** Keeps `delivery.devices` in step with `pushmfa.registry.v1`, once per event (PgInbox), a batch per transaction. */
export function createDeviceProjectionConsumer(kafka: Kafka, pool: Pool, schema: string, topicPrefix: string, log: ConsumerLog, metrics?: MetricsService) {
  const inbox = new PgInbox(pool, schema);
  return new ContractConsumer({
    kafka,
    groupId: `${topicPrefix}${DEVICE_PROJECTION_GROUP}`,
    topics: [topicName('registry', topicPrefix)],
    log,
    metrics,
    handledTypes: DEVICE_EVENT_TYPES,
    // A fetched batch in one transaction, each event once (in offset order: a pairing before its revocation).
    handleBatch: async (items) => {
      await inbox.handleBatchOnce(
        DEVICE_PROJECTION_GROUP,
        items,
        (item) => item.envelope.id,
        async (client, fresh) => {
          for (const item of fresh) await applyDeviceEvent(client, schema, item.envelope);
        },
      );
    },
  });
}
