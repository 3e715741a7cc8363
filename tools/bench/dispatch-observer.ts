import { Kafka, logLevel } from 'kafkajs';
import { topicName } from '@pushmfa/contracts';
import { testKafkaOptions } from '@pushmfa/testing';

/**
 * Watches `pushmfa.delivery.v1` from its end, as any downstream consumer would, and notes when each challenge's
 * first PushDispatched arrived here. Started (group joined) before the load, so nothing is missed.
 */
export class DispatchObserver {
  private readonly dispatchedAt = new Map<string, number>();
  private readonly listeners = new Set<(challengeId: string, atMs: number) => void>();

  private constructor(private readonly stopConsumer: () => Promise<void>) {}

  static async start(brokers: string[], topicPrefix: string): Promise<DispatchObserver> {
    const kafka = new Kafka({ clientId: 'pushmfa-bench', brokers, logLevel: logLevel.NOTHING, ...testKafkaOptions() });
    // The broker answers a fetch as soon as a record arrives (minBytes 1): the wait bounds only how often an idle
    // observer asks, so it asks twice a second like the services' consumers, not ten times, and adds no latency.
    const consumer = kafka.consumer({ groupId: `pushmfa-bench-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 500 });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics: [topicName('delivery', topicPrefix)], fromBeginning: false });
    let observer: DispatchObserver | undefined;
    await consumer.run({
      // A group of its own, read from the end each run: nothing to commit (kafkajs would commit after every batch).
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const atMs = Date.now();
        for (const message of batch.messages) observer?.note(message.value, atMs);
      },
    });
    await joined;
    observer = new DispatchObserver(() => consumer.disconnect());
    return observer;
  }

  at(challengeId: string): number | undefined {
    return this.dispatchedAt.get(challengeId);
  }

  onDispatched(listener: (challengeId: string, atMs: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): Promise<void> {
    return this.stopConsumer();
  }

  private note(value: Buffer | null, atMs: number): void {
    if (!value) return;
    // A cheap look before parsing: most records on the topic are not PushDispatched.
    const text = value.toString('utf8');
    if (!text.includes('"PushDispatched"')) return;
    const envelope = JSON.parse(text) as { type?: string; data?: { challengeId?: string } };
    const challengeId = envelope.type === 'PushDispatched' ? envelope.data?.challengeId : undefined;
    if (!challengeId || this.dispatchedAt.has(challengeId)) return;
    this.dispatchedAt.set(challengeId, atMs);
    for (const listener of this.listeners) listener(challengeId, atMs);
  }
}
