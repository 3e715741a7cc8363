import { randomUUID } from 'node:crypto';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import type { PoolClient } from 'pg';
import { buildEnvelope, type ContractEnvelope, RETRY_SUFFIX, topicName, validateEventData } from '@pushmfa/contracts';
import { PostgresEventStore } from '@pushmfa/event-store';
import { createTestNamespace, eventually, KAFKA_API, requestCountingKafka, type TestNamespace } from '@pushmfa/testing';
import { ContractConsumer } from './contract-consumer';
import { EventStoreKafkaRelay } from './event-store-relay';
import { PgInbox } from '@pushmfa/postgres';
import { ServiceConnections } from './service-connections';

const challengeData = (challengeId: string) => ({
  challengeId,
  userId: 'alice',
  createdAt: new Date().toISOString(),
  expiresAt: new Date(Date.now() + 60_000).toISOString(),
  numberMatchRequired: true,
  context: {},
  devices: [{ deviceId: 'd1', pushProvider: 'fcm' as const, platform: 'android' as const }],
});

describe('messaging over the real broker and database', () => {
  let ns: TestNamespace;
  let runtime: ServiceConnections;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    ns = await createTestNamespace('messaging');
    runtime = new ServiceConnections({
      serviceName: 'messaging-test',
      databaseUrl: ns.databaseUrl,
      schema: 'msg',
      brokers: ns.kafkaBrokers,
      kafka: ns.kafkaSecurity('admin'),
      topicPrefix: ns.topicPrefix,
    });
    await runtime.migrateSchema();
    await runtime.publisher.connect();
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await runtime?.close();
    await ns?.dispose();
  });

  async function collect(topic: string): Promise<KafkaMessage[]> {
    const received: KafkaMessage[] = [];
    const consumer = runtime.kafka.consumer({ groupId: `probe-${randomUUID()}`, maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message) });
    return received;
  }

  it('publishes many concurrent calls: every record lands, one key keeps call order, a malformed event fails only its caller', async () => {
    const topic = topicName('registry', ns.topicPrefix);
    const received = await collect(topic);
    const revoked = (workspaceId: string, keyId: string) =>
      buildEnvelope({
        id: randomUUID(),
        type: 'ApiKeyRevoked',
        occurredAt: new Date().toISOString(),
        workspaceId,
        streamId: `workspace-${workspaceId}`,
        correlationId: 'c',
        data: { workspaceId, keyId },
      });
    const workspace = `ws-${randomUUID()}`;
    const calls = Array.from({ length: 300 }, (_, i) => runtime.publisher.publish([{ topic, key: workspace, envelope: revoked(workspace, `k${i}`) }]));
    // The expectation is attached at once, so the rejection is never unhandled while the other calls run.
    const malformed = expect(
      runtime.publisher.publish([{ topic, key: workspace, envelope: { ...revoked(workspace, 'bad'), type: 'NoSuchEvent' } as unknown as ContractEnvelope }]),
    ).rejects.toThrow('no schema for NoSuchEvent v1');
    await Promise.all(calls);
    await malformed;
    const mine = () => received.filter((m) => m.key?.toString() === workspace).map((m) => JSON.parse(m.value!.toString()).data.keyId as string);
    await eventually(async () => (mine().length >= 300 ? true : undefined), 'all 300 records');
    expect(mine()).toEqual(Array.from({ length: 300 }, (_, i) => `k${i}`));
  });

  it('relays committed events in order, keyed by aggregate, with traceparent, and resumes from its checkpoint', async () => {
    const store = new PostgresEventStore({ pool: runtime.pool, schema: 'msg' });
    await store.migrate();
    const challengeId = randomUUID();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const stream = `challenge-${challengeId}`;
    await store.appendToStream(
      stream,
      [{ id: randomUUID(), type: 'ChallengeIssued', data: challengeData(challengeId), metadata: { workspaceId: 'ws1', correlationId: 'corr-1', traceparent } }],
      'no_stream',
    );
    await store.appendToStream(stream, [{ id: randomUUID(), type: 'InternalOnly', data: {}, metadata: { workspaceId: 'ws1' } }], 0n);
    const map = (e: { type: string; data: Record<string, unknown>; streamId: string }) =>
      e.type === 'ChallengeIssued'
        ? { type: 'ChallengeIssued' as const, data: validateEventData('ChallengeIssued', 1, e.data), key: String(e.data.challengeId), workspaceId: 'ws1' }
        : null;
    const received = await collect(topicName('challenge', ns.topicPrefix));
    const relay = new EventStoreKafkaRelay({ store, publisher: runtime.publisher, map, topicPrefix: ns.topicPrefix });
    await relay.start();
    await eventually(async () => (received.length >= 1 ? true : undefined), 'the relayed record');
    await relay.stop();

    const record = received[0]!;
    expect(record.key?.toString()).toBe(challengeId);
    expect(record.headers?.traceparent?.toString()).toBe(traceparent);
    const envelope = JSON.parse(record.value!.toString()) as ContractEnvelope;
    expect(envelope).toMatchObject({ type: 'ChallengeIssued', version: 1, workspaceId: 'ws1', streamId: stream, streamPosition: 0, correlationId: 'corr-1' });

    // A restarted relay starts after its checkpoint: the old event is not sent again, the new one is.
    await store.appendToStream(stream, [{ id: randomUUID(), type: 'ChallengeIssued', data: challengeData(challengeId), metadata: { workspaceId: 'ws1' } }], 1n);
    const again = new EventStoreKafkaRelay({ store, publisher: runtime.publisher, map, topicPrefix: ns.topicPrefix });
    await again.start();
    await eventually(async () => (received.length >= 2 ? true : undefined), 'the second relayed record');
    await again.stop();
    await new Promise((r) => setTimeout(r, 500));
    expect(received).toHaveLength(2);
  });

  it('dead-letters a poison record with its reason and keeps consuming the partition behind it', async () => {
    const topic = topicName('delivery', ns.topicPrefix);
    const inbox = new PgInbox(runtime.pool, 'msg');
    await inbox.migrate();
    await runtime.pool.query('create table if not exists msg.effects (message_id text, challenge_id text)');
    const handled: string[] = [];
    const consumer = new ContractConsumer({
      kafka: runtime.kafka,
      groupId: `test-${randomUUID()}`,
      topics: [topic],
      maxAttempts: 2,
      backoffBaseMs: 10,
      handle: async (envelope) => {
        const data = envelope.data as { challengeId: string };
        if (data.challengeId === 'always-fails') throw new Error('handler bug');
        await inbox.handleOnce('test', envelope.id, async (client) => {
          await client.query('insert into msg.effects values ($1, $2)', [envelope.id, data.challengeId]);
        });
        handled.push(data.challengeId);
      },
    });
    const dlq = await collect(`${topic}.dlq`);
    await consumer.start();

    const producer = runtime.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const duplicateId = randomUUID();
    await producer.send({
      topic,
      messages: [
        { key: 'same-partition', value: '{this is not json' },
        { key: 'same-partition', value: pushDispatchedValue('always-fails') },
        { key: 'same-partition', value: pushDispatchedValue('ok-1', duplicateId) },
        { key: 'same-partition', value: pushDispatchedValue('ok-1', duplicateId) },
        { key: 'same-partition', value: pushDispatchedValue('ok-2') },
      ],
    });
    await producer.disconnect();

    await eventually(async () => (handled.includes('ok-2') ? true : undefined), 'the records behind the poison ones');
    await eventually(async () => (dlq.length >= 2 ? true : undefined), 'two dead letters');
    await consumer.stop();

    expect(dlq.map((m) => m.headers?.['dlq-reason']?.toString())).toEqual(['record value is not JSON', 'Error: handler bug']);
    expect(dlq[0]!.value?.toString()).toBe('{this is not json');
    expect(dlq[1]!.headers?.['dlq-source-topic']?.toString()).toBe(topic);
    // The duplicate delivery changed nothing: one effect per message id.
    const { rows } = await runtime.pool.query<{ n: string }>(`select count(*) as n from msg.effects where message_id = $1`, [duplicateId]);
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('in batch mode applies a fetched batch in one call, once per message id, and still dead-letters a poison record alone', async () => {
    const topic = topicName('delivery', ns.topicPrefix);
    const inbox = new PgInbox(runtime.pool, 'msg');
    await inbox.migrate();
    await runtime.pool.query('create table if not exists msg.batch_effects (message_id text, challenge_id text)');
    const batchSizes: number[] = [];
    const key = `batch-${randomUUID()}`;
    const consumer = new ContractConsumer({
      kafka: runtime.kafka,
      groupId: `test-${randomUUID()}`,
      topics: [topic],
      maxAttempts: 2,
      backoffBaseMs: 10,
      handleBatch: async (items) => {
        // Records of earlier tests on this topic may share the batch: count this test's own.
        const mine = items.filter((item) => (item.envelope.data as { challengeId: string }).challengeId.includes(key)).length;
        if (mine > 0) batchSizes.push(mine);
        await inbox.handleBatchOnce(
          'batch-test',
          items,
          (item) => item.envelope.id,
          async (client, fresh) => {
            for (const { envelope } of fresh) {
              const { challengeId } = envelope.data as { challengeId: string };
              if (challengeId.startsWith('always-fails')) throw new Error('handler bug');
              await client.query('insert into msg.batch_effects values ($1, $2)', [envelope.id, challengeId]);
            }
          },
        );
      },
    });
    const dlq = await collect(`${topic}.dlq`);
    const producer = runtime.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const duplicateId = randomUUID();
    // Sent before the consumer starts, so its first fetch holds them all.
    await producer.send({
      topic,
      messages: [
        { key, value: pushDispatchedValue(`${key}-ok-0`) },
        { key, value: '{this is not json' },
        { key, value: pushDispatchedValue(`always-fails-${key}`) },
        { key, value: pushDispatchedValue(`${key}-ok-1`, duplicateId) },
        { key, value: pushDispatchedValue(`${key}-ok-1`, duplicateId) },
        { key, value: pushDispatchedValue(`${key}-ok-2`) },
      ],
    });
    await producer.disconnect();
    await consumer.start();

    const effects = async () =>
      (
        await runtime.pool.query<{ challenge_id: string }>(`select challenge_id from msg.batch_effects where challenge_id like $1 order by challenge_id`, [
          `${key}%`,
        ])
      ).rows.map((row) => row.challenge_id);
    await eventually(async () => ((await effects()).includes(`${key}-ok-2`) ? true : undefined), 'the records around the poison one');
    await eventually(async () => (dlq.filter((m) => m.key?.toString() === key).length >= 2 ? true : undefined), 'two dead letters');
    await consumer.stop();

    expect(await effects()).toEqual([`${key}-ok-0`, `${key}-ok-1`, `${key}-ok-2`]);
    expect(dlq.filter((m) => m.key?.toString() === key).map((m) => m.headers?.['dlq-reason']?.toString())).toEqual([
      'record value is not JSON',
      'Error: handler bug',
    ]);
    // The first call had the whole fetch (five valid records of this test). When records of other partitions (earlier
    // tests' records on the same topic) shared that call, its failure first applies this partition's batch alone once
    // more (the coalescer isolates the refused partition); then the consumer splits it and each record goes on its own.
    expect(batchSizes[0]).toBe(5);
    const afterJointCall = batchSizes[1] === 5 ? batchSizes.slice(2) : batchSizes.slice(1);
    expect(afterJointCall.length).toBeGreaterThan(0);
    expect(Math.max(...afterJointCall)).toBe(1);
  });

  it('in batch mode applies the batches of the partitions fetched together in one call (one transaction), each partition in order', async () => {
    // A twelve-partition topic no other test of this file writes to: an earlier test's records (an invalid one is
    // dead-lettered before its batch is handed over) would reach the coalescer later and make a call of their own.
    const topic = topicName('delivery', ns.topicPrefix) + RETRY_SUFFIX;
    const key = `partitions-${randomUUID()}`;
    const calls: Array<Array<{ partition: number; offset: bigint }>> = [];
    const consumer = new ContractConsumer({
      kafka: runtime.kafka,
      groupId: `test-${randomUUID()}`,
      topics: [topic],
      handleBatch: async (items) => {
        const mine = items.filter((item) => (item.envelope.data as { challengeId: string }).challengeId.startsWith(key));
        if (mine.length > 0) calls.push(mine.map((item) => ({ partition: item.record.partition, offset: BigInt(item.record.offset) })));
      },
    });
    const producer = runtime.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const partitions = [0, 1, 2, 3, 4, 5, 6, 7];
    // Two records in each of eight partitions, sent before the consumer starts so that its first fetch holds them all.
    await producer.send({
      topic,
      messages: partitions.flatMap((partition) =>
        [0, 1].map((n) => ({
          partition,
          key: `${key}-${partition}`,
          value: pushDispatchedValue(`${key}-${partition}-${n}`),
        })),
      ),
    });
    await producer.disconnect();
    await consumer.start();
    await eventually(async () => (calls.flat().length >= 16 ? true : undefined), 'the records of eight partitions');
    await consumer.stop();

    const applied = calls.flat();
    expect(applied).toHaveLength(16);
    // Without the coalescer each partition's batch is its own call (eight transactions).
    expect(calls.length).toBeLessThanOrEqual(2);
    expect(Math.max(...calls.map((call) => new Set(call.map((record) => record.partition)).size))).toBeGreaterThan(1);
    for (const partition of partitions) {
      const offsets = applied.filter((record) => record.partition === partition).map((record) => record.offset);
      expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)));
    }
  });

  it('with gatherMs, waits after a fetch with records, so the records sent meanwhile come in one call', async () => {
    const topic = topicName('delivery', ns.topicPrefix) + RETRY_SUFFIX;
    const key = `gather-${randomUUID()}`;
    const calls: string[][] = [];
    const consumer = new ContractConsumer({
      kafka: runtime.kafka,
      groupId: `test-${randomUUID()}`,
      topics: [topic],
      gatherMs: 2_000,
      handleBatch: async (items) => {
        const mine = items.map((item) => (item.envelope.data as { challengeId: string }).challengeId).filter((id) => id.startsWith(key));
        if (mine.length > 0) calls.push(mine);
      },
    });
    const producer = runtime.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      await consumer.start();
      await eventually(async () => (consumer.isReady ? true : undefined), 'the consumer in its group');
      await producer.send({ topic, messages: [{ partition: 0, key, value: pushDispatchedValue(`${key}-first`) }] });
      await eventually(async () => (calls.length === 1 ? true : undefined), 'the first record');
      // Sent one by one while the consumer waits: without the wait, each would be a fetch and a call of its own.
      for (const n of [1, 2, 3]) await producer.send({ topic, messages: [{ partition: 0, key, value: pushDispatchedValue(`${key}-${n}`) }] });
      await eventually(async () => (calls.flat().length === 4 ? true : undefined), 'the three records sent meanwhile');
    } finally {
      await producer.disconnect();
      await consumer.stop();
    }
    expect(calls).toEqual([[`${key}-first`], [`${key}-1`, `${key}-2`, `${key}-3`]]);
  });

  it('commits settled offsets once per interval, not once per batch, and commits the last ones without more records and on stop', async () => {
    const topic = topicName('delivery', ns.topicPrefix);
    const key = `commits-${randomUUID()}`;
    const groupId = `test-${randomUUID()}`;
    const counted = requestCountingKafka(ns.kafkaBrokers, 'commit-counter');
    const handled: Array<{ partition: number; offset: string }> = [];
    const consumer = new ContractConsumer({
      kafka: counted.kafka,
      groupId,
      topics: [topic],
      fromBeginning: false,
      commitIntervalMs: 1000,
      handle: async (envelope, record) => {
        if ((envelope.data as { challengeId: string }).challengeId.startsWith(key)) handled.push({ partition: record.partition, offset: record.offset });
      },
    });
    await consumer.start();
    await eventually(async () => (consumer.isReady ? true : undefined), 'the consumer in its group');
    const producer = runtime.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const admin = runtime.kafka.admin();
    await admin.connect();
    const send = (n: number) =>
      producer.send({
        topic,
        messages: [
          {
            key,
            value: pushDispatchedValue(`${key}-${n}`),
          },
        ],
      });
    const committed = async () => {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return offsets?.partitions.find((p) => p.partition === handled[0]!.partition)?.offset;
    };
    try {
      // Twenty records, each fetched alone (sent once the one before was handled): twenty batches.
      const commitsBefore = counted.sent(KAFKA_API.offsetCommit);
      const startedAt = Date.now();
      for (let n = 0; n < 20; n++) {
        await send(n);
        await eventually(async () => (handled.length > n ? true : undefined), `record ${n} handled`);
      }
      const elapsedMs = Date.now() - startedAt;
      const last = handled[handled.length - 1]!;
      // Nothing follows the last record: its offset is still committed, within the interval.
      await eventually(async () => ((await committed()) === String(BigInt(last.offset) + 1n) ? true : undefined), 'the last offset committed');
      const commits = counted.sent(KAFKA_API.offsetCommit) - commitsBefore;
      expect(commits).toBeLessThan(20);
      expect(commits).toBeLessThanOrEqual(Math.ceil(elapsedMs / 1000) + 2);

      // Handled, then stopped before the interval is over: the stop commits them before the group is left.
      for (let n = 20; n < 23; n++) await send(n);
      await eventually(async () => (handled.length >= 23 ? true : undefined), 'three more records handled');
      await consumer.stop();
      expect(await committed()).toBe(String(BigInt(handled[22]!.offset) + 1n));
    } finally {
      await consumer.stop().catch(() => undefined);
      await producer.disconnect();
      await admin.disconnect();
    }
  });

  it('skips records of a type no handler wants without validating them or touching the database, and still dead-letters a bad handled one', async () => {
    const topic = topicName('delivery', ns.topicPrefix);
    const inbox = new PgInbox(runtime.pool, 'msg');
    await inbox.migrate();
    const handled: string[] = [];
    const consumer = new ContractConsumer({
      kafka: runtime.kafka,
      groupId: `test-${randomUUID()}`,
      topics: [topic],
      handledTypes: ['PushRejected'],
      handle: async (envelope) => {
        await inbox.handleOnce('skipping', envelope.id, async () => undefined);
        handled.push(envelope.id);
      },
    });
    const key = `skipping-${randomUUID()}`;
    const dlq = await collect(`${topic}.dlq`);
    await consumer.start();

    const push = { challengeId: 'c1', userId: 'alice', deviceId: 'd1', provider: 'fcm' as const, attempt: 1 };
    const record = (type: string, data: Record<string, unknown>, id = randomUUID()) =>
      JSON.stringify({ id, type, version: 1, occurredAt: new Date().toISOString(), workspaceId: 'ws1', streamId: 'push', correlationId: 'c', data });
    const dispatchedId = randomUUID();
    const brokenDispatchedId = randomUUID();
    const rejectedId = randomUUID();
    const producer = runtime.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key, value: record('PushDispatched', { ...push, providerMessageId: 'm1', latencyMs: 3 }, dispatchedId) },
        { key, value: record('PushDispatched', { challengeId: 'c1' }, brokenDispatchedId) },
        { key, value: record('PushRejected', { challengeId: 'c1' }) },
        { key, value: '{this is not json' },
        { key, value: record('PushRejected', { ...push, reason: 'unregistered' }, rejectedId) },
      ],
    });
    await producer.disconnect();

    await eventually(async () => (handled.includes(rejectedId) ? true : undefined), 'the PushRejected behind the skipped records');
    await eventually(async () => (dlq.filter((m) => m.key?.toString() === key).length >= 2 ? true : undefined), 'two dead letters');
    await consumer.stop();

    expect(handled).toEqual([rejectedId]);
    const reasons = dlq.filter((m) => m.key?.toString() === key).map((m) => m.headers?.['dlq-reason']?.toString());
    expect(reasons).toEqual([expect.stringContaining('PushRejected v1 data is invalid'), 'record value is not JSON']);
    const { rows } = await runtime.pool.query<{ message_id: string }>(`select message_id from msg.processed_messages where consumer = 'skipping'`);
    expect(rows.map((row) => row.message_id)).toEqual([rejectedId]);
  });

  it('runs an inbox effect once per message id, whatever characters the id holds, and rolls back a failed effect', async () => {
    const inbox = new PgInbox(runtime.pool, 'msg');
    await inbox.migrate();
    await runtime.pool.query('create table if not exists msg.inbox_effects (message_id text)');
    const oddId = `it's \\ "odd" ${randomUUID()}`;
    const effectFor = (id: string) => async (client: PoolClient) => void (await client.query('insert into msg.inbox_effects values ($1)', [id]));
    await expect(inbox.handleOnce('odd-consumer', oddId, effectFor(oddId))).resolves.toBe(true);
    await expect(inbox.handleOnce('odd-consumer', oddId, effectFor(oddId))).resolves.toBe(false);
    const failingId = randomUUID();
    const failing = async (client: PoolClient) => {
      await effectFor(failingId)(client);
      throw new Error('effect failed');
    };
    await expect(inbox.handleOnce('odd-consumer', failingId, failing)).rejects.toThrow('effect failed');
    await expect(inbox.handleOnce('odd-consumer', failingId, effectFor(failingId))).resolves.toBe(true);
    const effects = await runtime.pool.query('select message_id, count(*)::int as n from msg.inbox_effects group by message_id order by message_id');
    expect(effects.rows).toEqual(
      expect.arrayContaining([
        { message_id: oddId, n: 1 },
        { message_id: failingId, n: 1 },
      ]),
    );
  });

  it('retries a handler while the database is unavailable instead of dead-lettering', async () => {
    const topic = topicName('registry', ns.topicPrefix);
    let failuresLeft = 3;
    const seen: string[] = [];
    const consumer = new ContractConsumer({
      kafka: runtime.kafka,
      groupId: `test-${randomUUID()}`,
      topics: [topic],
      maxAttempts: 1,
      backoffBaseMs: 10,
      backoffCapMs: 50,
      handle: async (envelope) => {
        if (failuresLeft-- > 0) throw Object.assign(new Error('database unavailable'), { code: 'unavailable' });
        seen.push(envelope.id);
      },
    });
    const dlq = await collect(`${topic}.dlq`);
    await consumer.start();
    const id = randomUUID();
    await runtime.publisher.publish([
      {
        topic,
        key: 'ws1',
        envelope: buildEnvelope({
          id,
          type: 'ApiKeyRevoked',
          occurredAt: new Date().toISOString(),
          workspaceId: 'ws1',
          streamId: 'workspace-ws1',
          correlationId: 'c',
          data: { workspaceId: 'ws1', keyId: 'k1' },
        }),
      },
    ]);
    await eventually(async () => (seen.includes(id) ? true : undefined), 'the record after the outage');
    await consumer.stop();
    expect(dlq).toHaveLength(0);
  });
});

/** A valid `PushDispatched` envelope of `challengeId` (with envelope id `id`), as a record's value. */
function pushDispatchedValue(challengeId: string, id: string = randomUUID()): string {
  return JSON.stringify(
    buildEnvelope({
      id,
      type: 'PushDispatched',
      occurredAt: new Date().toISOString(),
      workspaceId: 'ws1',
      streamId: 'push',
      correlationId: 'c',
      data: { challengeId, userId: 'alice', deviceId: 'd1', provider: 'fcm', attempt: 1, providerMessageId: 'm1', latencyMs: 3 },
    }),
  );
}
