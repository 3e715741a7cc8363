import { randomUUID } from 'node:crypto';
import { type Consumer, Kafka, logLevel, type Producer } from 'kafkajs';
import { buildEnvelope, type ContractEnvelope, type Envelope, type EventData, type EventType, parseRecordValue } from '@pushmfa/contracts';
import { testKafkaOptions } from '@pushmfa/testing';

export interface ReceivedEnvelope {
  envelope: Envelope;
  key: string | undefined;
  traceparent: string | undefined;
}

/** Test-side Kafka: publishes contract envelopes as another service would and records what lands on a topic. */
export class ContractTopicProbe {
  readonly received: ReceivedEnvelope[] = [];
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private consumer: Consumer | undefined;

  constructor(brokers: string[]) {
    this.kafka = new Kafka({ clientId: `delivery-test-${randomUUID()}`, brokers, logLevel: logLevel.NOTHING, ...testKafkaOptions() });
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
  }

  async start(watchTopic: string): Promise<void> {
    await this.producer.connect();
    this.consumer = this.kafka.consumer({ groupId: `delivery-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: watchTopic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const parsed = parseRecordValue(message.value);
        if (parsed.kind !== 'event') throw new Error(`invalid record on ${watchTopic}: ${JSON.stringify(parsed)}`);
        this.received.push({ envelope: parsed.envelope, key: message.key?.toString(), traceparent: message.headers?.traceparent?.toString() });
      },
    });
  }

  async publish<T extends EventType>(
    topic: string,
    key: string,
    type: T,
    data: EventData<T>,
    meta: { workspaceId: string; streamId: string; traceparent?: string; id?: string },
  ): Promise<ContractEnvelope<T>> {
    const envelope = buildEnvelope<T>({
      id: meta.id ?? randomUUID(),
      type,
      occurredAt: new Date().toISOString(),
      workspaceId: meta.workspaceId,
      streamId: meta.streamId,
      correlationId: `corr-${randomUUID()}`,
      data,
    });
    const headers: Record<string, string> = meta.traceparent ? { traceparent: meta.traceparent } : {};
    await this.producer.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify(envelope), headers }] });
    return envelope;
  }

  /** Waits until `predicate` matches a received envelope, or fails naming what it waited for. */
  async waitFor(description: string, predicate: (received: ReceivedEnvelope) => boolean, timeoutMs = 20_000): Promise<ReceivedEnvelope> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = this.received.find(predicate);
      if (match) return match;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seen = this.received.map((r) => `${r.envelope.type}(${JSON.stringify(r.envelope.data)})`).join('\n  ');
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}; received:\n  ${seen || '(nothing)'}`);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer.disconnect();
  }
}
