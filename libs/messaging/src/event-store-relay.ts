import { comparePositions, type EventStore, type GlobalPosition, type RecordedEvent, type Subscription } from '@pushmfa/event-store';
import { type ContractEvent, topicKeyOf, topicName } from '@pushmfa/contracts';
import type { MetricsService } from '@pushmfa/observability';
import type { KafkaEventPublisher, OutgoingEvent } from './event-publisher';
import { relayMetrics } from './messaging-metrics';

/**
 * What a stored domain event becomes on Kafka (`null` keeps it internal to the service): a contract event, its data
 * checked against the catalogue's type for `type`.
 */
export type IntegrationMessage = ContractEvent & {
  /** Kafka key: the aggregate whose events must stay in order (a challenge, or a user). */
  key: string;
  workspaceId: string;
};

export type IntegrationMapper = (event: RecordedEvent) => IntegrationMessage | null;

export interface RelayOptions {
  store: EventStore;
  publisher: KafkaEventPublisher;
  map: IntegrationMapper;
  /** Checkpoint name in the store; one per service. */
  subscriptionId?: string;
  topicPrefix?: string;
  batchSize?: number;
  /**
   * How long the relay's checkpoint may trail what the broker acknowledged (default 0: stored after every batch).
   * More saves a store round trip and a commit per batch under load; a crash then publishes up to that much again
   * (consumers dedupe by envelope id), and `awaitPublished`, which reads the checkpoint, may wait that much longer:
   * a service that awaits publication before it answers keeps 0.
   */
  checkpointIntervalMs?: number;
  /**
   * Under load, read and publish about once per this many ms, with what was committed meanwhile (default 0: after
   * every committing transaction's notification). The first event after a quiet spell is published at once; each
   * later one may wait up to this much longer (SubscribeOptions.gatherMs).
   */
  gatherMs?: number;
  onError?: (error: unknown) => void;
  onPublished?: (count: number) => void;
  /** Where the relay reports its lag (messaging-metrics.ts). */
  metrics?: MetricsService;
}

/** The relay had not published an event within the wait: the change is stored, but other services may not know it yet. */
export class NotYetPublishedError extends Error {
  readonly code = 'unavailable';
  constructor(waitedMs: number) {
    super(`the change is recorded but was not published to the other services within ${waitedMs} ms`);
    this.name = 'NotYetPublishedError';
  }
}

/**
 * Publishes a service's committed events to Kafka in commit order. The store's checkpoint moves only after
 * the broker acknowledged the batch, so a crash re-publishes (at least once) and never loses an event;
 * the envelope id is the stored event id, so consumers dedupe the repeats.
 */
export class EventStoreKafkaRelay {
  private subscription?: Subscription;
  private lastPublishedAt = 0;
  private oldestUnpublishedAt: number | undefined;
  private readonly observePublished?: (recordedAtMs: readonly number[]) => void;
  private readonly wakers = new Set<() => void>();

  constructor(private readonly options: RelayOptions) {
    if (options.metrics) this.observePublished = relayMetrics(options.metrics, this);
  }

  /** When the oldest event of the batch now being published was committed; undefined while caught up. */
  get oldestUnpublishedAtMs(): number | undefined {
    return this.oldestUnpublishedAt;
  }

  async start(): Promise<void> {
    this.subscription = await this.options.store.subscribeToAll({
      subscriptionId: this.options.subscriptionId ?? 'kafka-relay',
      batchSize: this.options.batchSize ?? 500,
      checkpointIntervalMs: this.options.checkpointIntervalMs,
      gatherMs: this.options.gatherMs,
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

  /**
   * Resolves once the relay, in this process or in whichever instance holds it, has published every event up to
   * `position` (its stored checkpoint has passed it: the broker acknowledged them). Throws `NotYetPublishedError`
   * (code `unavailable`) after `timeoutMs`. A write the other services must honour at once answers only after this.
   */
  async awaitPublished(position: GlobalPosition, timeoutMs: number, pollMs = 25): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const subscriptionId = this.options.subscriptionId ?? 'kafka-relay';
    for (;;) {
      const checkpoint = await this.options.store.readCheckpoint(subscriptionId);
      if (checkpoint && comparePositions(checkpoint, position) >= 0) return;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new NotYetPublishedError(timeoutMs);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.wakers.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(pollMs, remaining));
        this.wakers.add(done);
      });
    }
  }

  private async publish(events: RecordedEvent[]): Promise<void> {
    const outgoing: OutgoingEvent[] = [];
    const recordedAtMs: number[] = [];
    for (const event of events) {
      const message = this.options.map(event);
      if (message) {
        outgoing.push(toOutgoing(event, message, this.options.topicPrefix ?? ''));
        recordedAtMs.push(event.recordedAt.getTime());
      }
    }
    // A batch that fails is handed back again: the oldest waiting event keeps its age until the broker takes it.
    if (recordedAtMs.length) this.oldestUnpublishedAt ??= Math.min(...recordedAtMs);
    await this.options.publisher.publish(outgoing);
    this.oldestUnpublishedAt = undefined;
    this.lastPublishedAt = Date.now();
    if (outgoing.length) {
      this.observePublished?.(recordedAtMs);
      this.options.onPublished?.(outgoing.length);
    }
    // The checkpoint is stored right after this returns: waiters look again soon.
    for (const wake of [...this.wakers]) setTimeout(wake, 2);
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
    },
  };
}
