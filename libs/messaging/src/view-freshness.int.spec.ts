import { randomUUID } from 'node:crypto';
import { buildEnvelope, topicName } from '@pushmfa/contracts';
import { createTestNamespace, eventually, KAFKA_API, requestCountingKafka, type TestNamespace } from '@pushmfa/testing';
import { ContractConsumer } from './contract-consumer';
import { ServiceConnections } from './service-connections';
import { PARTITION_LIST_MAX_AGE_MS, TopicEndOffsets } from './topic-end-offsets';
import { ViewFreshness, ViewNotCurrentError } from './view-freshness';

/**
 * A view fed from a topic is current when it has applied every record below the topic's end offsets, whichever
 * instance of its consumer group applied them. Against the real broker: records applied by this process, records
 * committed by another member of the group, and a group that applies nothing.
 */
describe('ViewFreshness over the real broker', () => {
  let ns: TestNamespace;
  let runtime: ServiceConnections;
  let topic: string;
  const started: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    ns = await createTestNamespace('freshness');
    runtime = new ServiceConnections({
      serviceName: 'freshness-test',
      databaseUrl: ns.databaseUrl,
      schema: 'fresh',
      brokers: ns.kafkaBrokers,
      kafka: ns.kafkaSecurity('admin'),
      topicPrefix: ns.topicPrefix,
    });
    await runtime.publisher.connect();
    topic = topicName('registry', ns.topicPrefix);
  });

  afterAll(async () => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    await runtime?.close();
    await ns?.dispose();
  });

  const publishRevocations = (count: number) => {
    const workspaceId = `ws-${randomUUID()}`;
    return runtime.publisher.publish(
      Array.from({ length: count }, (_, i) => ({
        topic,
        key: `${workspaceId}-${i}`,
        envelope: buildEnvelope({
          id: randomUUID(),
          type: 'ApiKeyRevoked',
          occurredAt: new Date().toISOString(),
          workspaceId,
          streamId: `workspace-${workspaceId}`,
          correlationId: 'c',
          data: { workspaceId, keyId: `k${i}` },
        }),
      })),
    );
  };

  async function freshness(groupId: string, maxWaitMs: number): Promise<ViewFreshness> {
    const view = new ViewFreshness({ kafka: runtime.kafka, topic, groupId, maxWaitMs });
    await view.start();
    started.push(view);
    return view;
  }

  it('waits for records acknowledged before the call, answers the same token while nothing new arrives, and a new one after', async () => {
    const groupId = `${ns.topicPrefix}fresh-local`;
    const view = await freshness(groupId, 10_000);
    const applied: string[] = [];
    const consumer = new ContractConsumer({
      kafka: runtime.kafka,
      groupId,
      topics: [topic],
      // A slow effect: the view must wait for it, not for the broker.
      handle: async (envelope) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        applied.push(envelope.id);
      },
      onSettled: (t, partition, offset) => view.settled(t, partition, offset),
    });
    await consumer.start();
    started.push(consumer);

    await publishRevocations(12);
    const token = await view.awaitCurrent();
    expect(applied.length).toBeGreaterThanOrEqual(12);
    expect(await view.awaitCurrent()).toBe(token);

    await publishRevocations(1);
    expect(await view.awaitCurrent()).not.toBe(token);
  });

  it('counts what another instance of the group committed as applied, and refuses a group that applies nothing', async () => {
    const groupId = `${ns.topicPrefix}fresh-shared`;
    const consumer = new ContractConsumer({ kafka: runtime.kafka, groupId, topics: [topic], handle: async () => undefined });
    await consumer.start();
    started.push(consumer);
    await publishRevocations(6);

    // This instance applied nothing itself: only the group's committed offsets can show the view is current.
    const otherInstance = await freshness(groupId, 3_000);
    await eventually(async () => otherInstance.awaitCurrent().catch(() => undefined), 'the committed offsets to cover the topic', 20_000);

    const nobody = await freshness(`${ns.topicPrefix}fresh-nobody`, 500);
    await expect(nobody.awaitCurrent()).rejects.toBeInstanceOf(ViewNotCurrentError);
    await expect(nobody.awaitCurrent()).rejects.toMatchObject({ code: 'unavailable' });
  });

  it("reads the topic's end offsets in one request, the same high watermarks kafkajs' admin reads in two", async () => {
    const ends = new TopicEndOffsets(runtime.kafka);
    await ends.connect();
    const admin = runtime.kafka.admin();
    await admin.connect();
    try {
      await publishRevocations(5);
      const [ours, theirs] = await Promise.all([ends.latest(topic), admin.fetchTopicOffsets(topic)]);
      const byPartition = (rows: Array<{ partition: number; high: bigint | string }>) =>
        Object.fromEntries(rows.map((row) => [row.partition, String(row.high)]).sort(([a], [b]) => Number(a) - Number(b)));
      expect(byPartition(ours)).toEqual(byPartition(theirs));
      expect(ours.reduce((sum, row) => sum + row.high, 0n)).toBeGreaterThanOrEqual(5n);
      // A topic the view has never seen empty partitions of still counts as current: high 0 means nothing to apply.
      const empty = topicName('delivery', ns.topicPrefix);
      expect((await ends.latest(empty)).every((row) => row.high === 0n)).toBe(true);
    } finally {
      await admin.disconnect();
      await ends.disconnect();
    }
  });
  it('reads the partition list once, not before every ListOffsets request', async () => {
    const { kafka, sent } = requestCountingKafka(ns.kafkaBrokers, 'end-offsets-count');
    const ends = new TopicEndOffsets(kafka);
    await ends.connect();
    try {
      await ends.latest(topic);
      const before = { metadata: sent(KAFKA_API.metadata), listOffsets: sent(KAFKA_API.listOffsets) };
      for (let i = 0; i < 20; i++) await ends.latest(topic);
      expect(sent(KAFKA_API.listOffsets) - before.listOffsets).toBe(20);
      // Twenty calls well within the partition list's age send no metadata request at all.
      expect(sent(KAFKA_API.metadata) - before.metadata).toBe(0);
      expect(PARTITION_LIST_MAX_AGE_MS).toBeGreaterThan(1000);
    } finally {
      await ends.disconnect();
    }
  });
});
