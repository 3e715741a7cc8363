import { randomUUID } from 'node:crypto';
import type { EventMetadata, EventStore, ExpectedRevision, GlobalPosition } from '../event-store.port';
import { WrongExpectedRevisionError } from '../event-store.port';
import type { StoredEventReader } from '../stored-events';
import { type Decider, type DomainEvent, foldEvents } from './decider';

export interface HandleResult<TState, TEvent> {
  state: TState;
  newEvents: TEvent[];
  /** Revision of the stream's last event after the command (-1n: the stream is still empty). */
  revision: bigint;
  /** Global position of the stream's last event after the command (absent while the stream is empty). */
  position?: GlobalPosition;
}

export interface CommandHandlerOptions<TEvent extends DomainEvent = DomainEvent> {
  /** Attempts when another writer appended first; each attempt re-reads the stream. */
  maxAttempts?: number;
  /** Reads the stream's stored events as today's shapes (upcasting); without it they are folded as stored. */
  events?: StoredEventReader<TEvent>;
}

/** Writers kept winning the race for one stream; the caller may retry (HTTP answers 503 with Retry-After). */
export class StreamContentionError extends Error {
  readonly code = 'unavailable';
  constructor(
    readonly streamId: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`stream ${streamId}: still conflicting after ${attempts} attempts`, { cause });
    this.name = 'StreamContentionError';
  }
}

/**
 * Reads a stream, folds it, decides, and appends with the revision it read. A concurrent writer makes the append fail;
 * the handler then retries with fresh state a bounded number of times, so the decision is always made on current state.
 */
export class DeciderCommandHandler<TState, TCommand, TEvent extends DomainEvent> {
  constructor(
    private readonly store: EventStore,
    private readonly decider: Decider<TState, TCommand, TEvent>,
    private readonly options: CommandHandlerOptions<TEvent> = {},
  ) {}

  async load(streamId: string): Promise<{ state: TState; revision: bigint; position?: GlobalPosition }> {
    const events = await this.store.readStream(streamId);
    const reader = this.options.events;
    const domainEvents = reader ? events.flatMap((e) => reader.readDomainEvent(e) ?? []) : events.map((e) => ({ type: e.type, data: e.data }) as TEvent);
    const state = foldEvents(this.decider, domainEvents);
    const last = events[events.length - 1];
    return { state, revision: BigInt(events.length) - 1n, ...(last ? { position: last.position } : {}) };
  }

  async handle(streamId: string, command: TCommand, metadata: EventMetadata): Promise<HandleResult<TState, TEvent>> {
    const maxAttempts = this.options.maxAttempts ?? 10;
    for (let attempt = 1; ; attempt++) {
      const { state, revision, position } = await this.load(streamId);
      const newEvents = this.decider.decide(command, state);
      if (newEvents.length === 0) return { state, newEvents, revision, ...(position ? { position } : {}) };
      const expected: ExpectedRevision = revision < 0n ? 'no_stream' : revision;
      try {
        const result = await this.store.appendToStream(
          streamId,
          newEvents.map((event) => ({ id: randomUUID(), type: event.type, data: event.data, metadata })),
          expected,
        );
        const next = newEvents.reduce((s, e) => this.decider.evolve(s, e), state);
        return { state: next, newEvents, revision: result.nextExpectedRevision, position: result.position };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= maxAttempts) throw new StreamContentionError(streamId, attempt, error);
        // Concurrent writers retrying in lockstep would collide again: spread them out a little.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * 2 ** attempt)));
      }
    }
  }
}
