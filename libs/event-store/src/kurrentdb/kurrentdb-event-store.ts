import { ANY, BACKWARDS, END, KurrentDBClient, eventTypeFilter, jsonEvent, streamNameFilter, type Filter, type JSONType } from '@kurrent/kurrentdb-client';
import {
  WrongExpectedRevisionError,
  comparePositions,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type GlobalPosition,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port';
import {
  CHECKPOINT_EVENT_TYPE,
  GLOBAL_LOG_EVENT_TYPE_REGEX,
  StreamNamespace,
  isStreamNotFound,
  toEventStoreError,
  toReadPosition,
  toRecordedEvent,
  toStreamState,
} from './kurrentdb-mapping';
import { KurrentDBSubscription } from './kurrentdb-subscription';

export interface KurrentDBEventStoreOptions {
  /** e.g. `kurrentdb://127.0.0.1:2113?tls=false`; or pass a `client` the caller owns (not disposed by close()). */
  connectionString?: string;
  client?: KurrentDBClient;
  /** Stores streams as `<namespace>/<streamId>` and reads only those from $all; lets services share a server. */
  namespace?: string;
}

interface CheckpointData {
  commit: string;
  prepare: string;
  [key: string]: string;
}

export class KurrentDBEventStore implements EventStore {
  private readonly client: KurrentDBClient;
  private readonly ownsClient: boolean;
  private readonly namespace: StreamNamespace;
  private readonly filter: Filter;
  private readonly limitedCheckpointStreams = new Set<string>();
  private readonly subscriptions = new Set<KurrentDBSubscription>();

  constructor(options: KurrentDBEventStoreOptions) {
    if (options.client) {
      this.client = options.client;
      this.ownsClient = false;
    } else {
      if (!options.connectionString) throw new Error('KurrentDBEventStore needs a client or a connectionString');
      this.client = KurrentDBClient.connectionString(options.connectionString);
      this.ownsClient = true;
    }
    this.namespace = new StreamNamespace(options.namespace);
    this.filter =
      options.namespace === undefined ? eventTypeFilter({ regex: GLOBAL_LOG_EVENT_TYPE_REGEX }) : streamNameFilter({ prefixes: [this.namespace.prefix] });
  }

  async appendToStream(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new Error(`appendToStream(${streamId}) needs at least one event`);
    const records = events.map(({ id, type, data, metadata }) => jsonEvent({ id, type, data: data as JSONType, metadata: (metadata ?? {}) as JSONType }));
    let result;
    try {
      result = await this.client.appendToStream(this.namespace.stored(streamId), records, {
        streamState: toStreamState(expectedRevision),
      });
    } catch (error) {
      throw toEventStoreError(error, 'appendToStream', streamId, expectedRevision);
    }
    if (!result.success) throw new WrongExpectedRevisionError(streamId, expectedRevision, 'unknown');
    const position = result.position ?? { commit: -1n, prepare: -1n };
    return {
      nextExpectedRevision: result.nextExpectedRevision,
      position: { major: position.commit, minor: position.prepare },
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      const reader = this.client.readStream(this.namespace.stored(streamId), {
        ...(options.fromRevision !== undefined ? { fromRevision: options.fromRevision } : {}),
        ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
      });
      for await (const resolved of reader) {
        const event = toRecordedEvent(resolved);
        if (event) events.push({ ...event, streamId });
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw toEventStoreError(error, 'readStream');
    }
    return events;
  }

  async readAll(after: GlobalPosition, options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.maxCount ?? 1000;
    const events: RecordedEvent[] = [];
    try {
      // One more than asked: the read starts at `after` itself, which the port excludes.
      const reader = this.client.readAll({ fromPosition: toReadPosition(after), maxCount: limit + 1, filter: this.filter });
      for await (const resolved of reader) {
        const event = this.namespace.visible(toRecordedEvent(resolved));
        if (!event || comparePositions(event.position, after) <= 0) continue;
        events.push(event);
        if (events.length >= limit) break;
      }
    } catch (error) {
      throw toEventStoreError(error, 'readAll');
    }
    return events;
  }

  async subscribeToAll(options: SubscribeOptions): Promise<Subscription> {
    const subscription = new KurrentDBSubscription(
      {
        client: this.client,
        namespace: this.namespace,
        filter: this.filter,
        readCheckpoint: (id) => this.readCheckpoint(id),
        storeCheckpoint: (id, position) => this.storeCheckpoint(id, position),
      },
      options,
    );
    this.subscriptions.add(subscription);
    subscription.start();
    return {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await subscription.stop();
      },
    };
  }

  async readCheckpoint(subscriptionId: string): Promise<GlobalPosition | null> {
    try {
      const reader = this.client.readStream<{ type: typeof CHECKPOINT_EVENT_TYPE; data: CheckpointData }>(this.namespace.checkpointStream(subscriptionId), {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      });
      for await (const resolved of reader) {
        const data = resolved.event?.data;
        if (data) return { major: BigInt(data.commit), minor: BigInt(data.prepare) };
      }
      return null;
    } catch (error) {
      if (isStreamNotFound(error)) return null;
      throw toEventStoreError(error, 'readCheckpoint');
    }
  }

  async storeCheckpoint(subscriptionId: string, position: GlobalPosition): Promise<void> {
    const stream = this.namespace.checkpointStream(subscriptionId);
    try {
      if (!this.limitedCheckpointStreams.has(stream)) {
        // Only the latest checkpoint matters; the server scavenges the rest.
        await this.client.setStreamMetadata(stream, { maxCount: 1 });
        this.limitedCheckpointStreams.add(stream);
      }
      const data: CheckpointData = { commit: position.major.toString(), prepare: position.minor.toString() };
      await this.client.appendToStream(stream, jsonEvent({ type: CHECKPOINT_EVENT_TYPE, data }), { streamState: ANY });
    } catch (error) {
      throw toEventStoreError(error, 'storeCheckpoint');
    }
  }

  /** KurrentDB needs no schema; checks the server answers so start-up fails fast. */
  async migrate(): Promise<void> {
    await this.readStream(`pushmfa-ping`, { maxCount: 1 });
  }

  async ping(): Promise<boolean> {
    try {
      await this.readStream('pushmfa-ping', { maxCount: 1 });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.subscriptions.clear();
    if (this.ownsClient) await this.client.dispose();
  }
}
