import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { topicName } from '@pushmfa/contracts';
import { MetricsService } from '@pushmfa/observability';
import { createTestNamespace, type TestNamespace } from '@pushmfa/testing';
import { metricValue } from '../prometheus-text.test-metrics';
import { ConsumerLagSampler } from './consumer-lag.sampler';

let ns: TestNamespace;
let kafka: Kafka;

beforeAll(async () => {
  ns = await createTestNamespace('delivery-lag');
  kafka = ns.kafka(`lag-test-${randomUUID()}`);
});

afterAll(async () => {
  await ns?.dispose();
});

/** A topic created moments ago may answer NOT_LEADER until its leaders settle. */
async function settled<T>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** The broker may need a moment before fresh offsets show in metadata; a sample that throws says why. */
async function sampleUntil(sampler: ConsumerLagSampler, metrics: MetricsService, done: (text: string) => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    await settled(() => sampler.sample());
    if (done(await metrics.render()) || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('ConsumerLagSampler (kafkajs admin: fetchTopicOffsets vs fetchOffsets)', () => {
  it('reports per partition what the group has not committed yet, and less once it commits', async () => {
    const topic = topicName('challenge', ns.topicPrefix);
    const groupId = `${ns.topicPrefix}delivery.push-dispatch`;
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await settled(() => producer.send({ topic, acks: -1, messages: [0, 0, 0, 5].map((partition, i) => ({ partition, value: `r${i}` })) }));
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const metrics = new MetricsService('delivery');
    const sampler = new ConsumerLagSampler(kafka, metrics, groupId, topic, 60_000);
    try {
      // What the broker holds (a retried produce on a fresh topic may have written a batch twice).
      const ends = new Map((await settled(() => admin.fetchTopicOffsets(topic))).map((p) => [p.partition, Number(p.high) - Number(p.low)]));
      expect(ends.get(0)).toBeGreaterThanOrEqual(3);
      expect(ends.get(5)).toBeGreaterThanOrEqual(1);
      await sampler.start();
      const lagOf = (text: string, partition: number) => metricValue(text, 'delivery_consumer_lag', { partition: String(partition), group: groupId });
      await sampleUntil(sampler, metrics, (text) => lagOf(text, 0) === ends.get(0));
      const before = await metrics.render();
      expect(lagOf(before, 0)).toBe(ends.get(0));
      expect(lagOf(before, 5)).toBe(ends.get(5));
      expect(lagOf(before, 1)).toBe(0);

      const high = Number((await settled(() => admin.fetchTopicOffsets(topic))).find((p) => p.partition === 0)!.high);
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: String(high - 1) }] });
      await sampleUntil(sampler, metrics, (text) => lagOf(text, 0) === 1);

      expect(lagOf(await metrics.render(), 0)).toBe(1);
    } finally {
      await sampler.stop();
      await admin.disconnect();
    }
  });
});
