import type { DomainEvent } from './decider/decider';
import type { RecordedEvent } from './event-store.port';

/**
 * Reads a stored event's data, whatever version of the service wrote it, as today's data of its type. It gets the
 * data as stored and the record (for what older versions kept only there: its time, its metadata). An event's type
 * name never changes; what an older version wrote differently is mended here, when it is read, never in the store.
 */
export type Upcaster<TEvent extends DomainEvent> = (stored: Record<string, unknown>, recorded: RecordedEvent) => TEvent['data'];

/** Per stored type: `true` when the data is read as stored, or the upcaster that reads older shapes as today's. */
export type StoredEventTypes<TEvent extends DomainEvent> = { [T in TEvent['type']]: true | Upcaster<Extract<TEvent, { type: T }>> };

/** A recorded event read as one of `TEvent`, discriminated on `type`: `switch (event.type)` narrows `data`. */
export type StoredEvent<TEvent extends DomainEvent> = TEvent extends DomainEvent ? Omit<RecordedEvent, 'type' | 'data'> & TEvent : never;

type EventOf<TReader> = TReader extends StoredEventReader<infer TEvent> ? TEvent : never;

/**
 * The one place where the stored events of a stream family are given their types (EventSourcing.NodeJS' upcasters,
 * samples/eventsVersioning/src/02_upcasters). The map lists every type of `TEvent`, so a new event type does not
 * compile until it is listed here.
 */
export class StoredEventReader<TEvent extends DomainEvent> {
  private readonly types: ReadonlyMap<string, true | Upcaster<TEvent>>;

  constructor(types: StoredEventTypes<TEvent>) {
    this.types = new Map(Object.entries(types) as [string, true | Upcaster<TEvent>][]);
  }

  /** One reader for the stored events of several stream families (a relay reading the whole log). */
  static union<TReaders extends StoredEventReader<DomainEvent>[]>(...readers: TReaders): StoredEventReader<EventOf<TReaders[number]>> {
    return new StoredEventReader(Object.fromEntries(readers.flatMap((reader) => [...reader.types])) as StoredEventTypes<EventOf<TReaders[number]>>);
  }

  /** True when `type` is one of `TEvent`'s. */
  has(type: string): type is TEvent['type'] {
    return this.types.has(type);
  }

  /** The recorded event with today's data of its type; null for a type that is not one of `TEvent`'s. */
  read(recorded: RecordedEvent): StoredEvent<TEvent> | null {
    const read = this.types.get(recorded.type);
    if (read === undefined) return null;
    const data = read === true ? recorded.data : read(recorded.data, recorded);
    return { ...recorded, data } as StoredEvent<TEvent>;
  }

  /** `read` as the plain `{ type, data }` a decider folds. */
  readDomainEvent(recorded: RecordedEvent): TEvent | null {
    const event = this.read(recorded);
    return event === null ? null : ({ type: event.type, data: event.data } as TEvent);
  }
}
