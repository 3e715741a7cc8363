import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import { buildEnvelope, type EnvelopeInput, type EventType, TRACEPARENT_HEADER } from '@pushmfa/contracts';

export interface OutgoingEvent {
  topic: string;
  key: string;
  /** Validated and completed (its version) by `buildEnvelope` before it is produced. */
  envelope: EnvelopeInput<EventType>;
  traceparent?: string;
}

interface QueuedPublish {
  messages: Array<{ topic: string; message: Message }>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Records per produce request; a caller's events are never split across two requests. */
const MAX_RECORDS_PER_SEND = 1000;

/**
 * Idempotent producer (acks=all): a resolved `publish` means the broker has every record.
 * Each envelope is validated against its schema before it is produced.
 *
 * The idempotent producer allows one request in flight, so a send costs a full broker round trip and concurrent
 * callers would queue behind each other one by one. Instead, calls made while a send is in flight are gathered and
 * go out together in the next request, in call order: throughput follows the load, not the round trip.
 */
export class KafkaEventPublisher {
  private readonly producer: Producer;
  private connected = false;
  private queue: QueuedPublish[] = [];
  private sending = false;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  publish(events: OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    let messages: QueuedPublish['messages'];
    try {
      messages = events.map((event) => ({ topic: event.topic, message: toMessage(event) }));
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ messages, resolve, reject });
      if (!this.sending) void this.sendQueued();
    });
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
    this.connected = false;
  }

  /** Sends what has gathered, then whatever gathered meanwhile, until the queue is empty. */
  private async sendQueued(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        try {
          await this.producer.sendBatch({ acks: -1, topicMessages: groupByTopic(batch) });
          for (const publish of batch) publish.resolve();
        } catch (error) {
          for (const publish of batch) publish.reject(error);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private takeBatch(): QueuedPublish[] {
    let records = 0;
    let count = 0;
    for (const publish of this.queue) {
      if (count > 0 && records + publish.messages.length > MAX_RECORDS_PER_SEND) break;
      records += publish.messages.length;
      count++;
    }
    return this.queue.splice(0, count);
  }
}

function toMessage(event: OutgoingEvent): Message {
  const envelope = buildEnvelope(event.envelope);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'event-type': envelope.type };
  if (event.traceparent) headers[TRACEPARENT_HEADER] = event.traceparent;
  return { key: event.key, value: JSON.stringify(envelope), headers };
}

/** One entry per topic, records in call order, so records of one key keep their order within a partition. */
function groupByTopic(batch: QueuedPublish[]): Array<{ topic: string; messages: Message[] }> {
  const byTopic = new Map<string, Message[]>();
  for (const publish of batch) {
    for (const { topic, message } of publish.messages) {
      const messages = byTopic.get(topic) ?? [];
      messages.push(message);
      byTopic.set(topic, messages);
    }
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
