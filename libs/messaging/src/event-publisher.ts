import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import { buildEnvelope, type ContractEnvelope, type EventType, TRACEPARENT_HEADER } from '@pushmfa/contracts';

export interface OutgoingEvent {
  topic: string;
  key: string;
  envelope: ContractEnvelope;
  traceparent?: string;
}

/**
 * Idempotent producer (acks=all): a resolved `publish` means the broker has every record.
 * Each envelope is validated against its schema before it is produced.
 */
export class KafkaEventPublisher {
  private readonly producer: Producer;
  private connected = false;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async publish(events: OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const event of events) {
      const envelope = buildEnvelope(event.envelope as ContractEnvelope<EventType>);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'event-type': envelope.type };
      if (event.traceparent) headers[TRACEPARENT_HEADER] = event.traceparent;
      const messages = byTopic.get(event.topic) ?? [];
      messages.push({ key: event.key, value: JSON.stringify(envelope), headers });
      byTopic.set(event.topic, messages);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
    this.connected = false;
  }
}
