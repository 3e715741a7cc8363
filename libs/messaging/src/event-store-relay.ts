import type { EventStore, RecordedEvent, Subscription } from '@pushmfa/event-store';
import { type EventType, topicKeyOf, topicName } from '@pushmfa/contracts';
import type { KafkaEventPublisher, OutgoingEvent } from './event-publisher';

/** What a stored domain event becomes on Kafka; `null` keeps it internal to the service. */
export interface IntegrationMessage {
  type: EventType;
  data: Record<string, unknown>;
  /** Kafka key: the aggregate whose events must stay in order (a challenge, or a user). */
  key: string;
  workspaceId: string;
}

export type IntegrationMapper = (event: RecordedEvent) => IntegrationMessage | null;

export interface RelayOptions {
  store: EventStore;
  publisher: KafkaEventPublisher;
  map: IntegrationMapper;
  /** Checkpoint name in the store; one per service. */
  subscriptionId?: string;
  topicPrefix?: string;
  batchSize?: number;
  onError?: (error: unknown) => void;
  onPublished?: (count: number) => void;
}

/**
 * Publishes a service's committed events to Kafka in commit order. The store's checkpoint moves only after
 * the broker acknowledged the batch, so a crash re-publishes (at least once) and never loses an event;
 * the envelope id is the stored event id, so consumers dedupe the repeats.
 */
export class EventStoreKafkaRelay {
  private subscription?: Subscription;
  private lastPublishedAt = 0;

  constructor(private readonly options: RelayOptions) {}

  async start(): Promise<void> {
    this.subscription = await this.options.store.subscribeToAll({
      subscriptionId: this.options.subscriptionId ?? 'kafka-relay',
      batchSize: this.options.batchSize ?? 500,
      handle: (events) => this.publish(events),
      onError: this.options.onError,
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  get isRunning(): boolean {
    return this.subscription !== undefined;
  }

  /** Running and following the log: false while its store or the broker fails it, until a round trip succeeds again. */
  get isHealthy(): boolean {
    const subscription = this.subscription;
    return subscription !== undefined && (subscription.isHealthy?.() ?? true);
  }

  get lastPublishedAtMs(): number {
    return this.lastPublishedAt;
  }

  private async publish(events: RecordedEvent[]): Promise<void> {
    const outgoing: OutgoingEvent[] = [];
    for (const event of events) {
      const message = this.options.map(event);
      if (message) outgoing.push(toOutgoing(event, message, this.options.topicPrefix ?? ''));
    }
    await this.options.publisher.publish(outgoing);
    this.lastPublishedAt = Date.now();
    if (outgoing.length) this.options.onPublished?.(outgoing.length);
  }
}

function toOutgoing(event: RecordedEvent, message: IntegrationMessage, prefix: string): OutgoingEvent {
  const { metadata } = event;
  const occurredAt = typeof metadata.occurredAt === 'string' ? metadata.occurredAt : event.recordedAt.toISOString();
  return {
    topic: topicName(topicKeyOf(message.type), prefix),
    key: message.key,
    traceparent: metadata.traceparent,
    envelope: {
      id: event.id,
      type: message.type,
      occurredAt,
      workspaceId: message.workspaceId,
      streamId: event.streamId,
      streamPosition: Number(event.streamRevision),
      correlationId: metadata.correlationId ?? event.id,
      ...(metadata.causationId ? { causationId: metadata.causationId } : {}),
      data: message.data,
    } as OutgoingEvent['envelope'],
  };
}
