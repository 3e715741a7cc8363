import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { AppendResult, EventMetadata, EventStore, EventToAppend, ExpectedRevision, GlobalPosition, RecordedEvent } from '../event-store.port';
import { WrongExpectedRevisionError } from '../event-store.port';
import type { PostgresEventStoreTransaction } from '../postgres/postgres-event-store';
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

/** A stream folded to its state, with the revision (and position) of its last event: what a decision is made on. */
export interface LoadedStream<TState> {
  state: TState;
  /** -1n: the stream is empty. */
  revision: bigint;
  position?: GlobalPosition;
}

/** An event of the command as an inline projection sees it: where it was appended and with what metadata. */
export type ProjectedEvent<TEvent extends DomainEvent> = TEvent & { streamId: string; streamRevision: bigint; metadata: EventMetadata };

/**
 * A read model written in the transaction that appends the events it reads (Emmett's `projections.inline`): the
 * events and the rows commit together or not at all, so the read model is current when the command answers and no
 * crash can leave it behind. A projection that throws rolls the append back.
 */
export interface InlineProjection<TEvent extends DomainEvent> {
  /** The event types it reads; absent: all. A command none of whose events it reads opens no transaction for it. */
  canHandle?: readonly TEvent['type'][];
  /**
   * True when `handle` only writes and reads no result of its statements: on a store that can (the PostgreSQL
   * adapter's `deferred`), its statements then travel with COMMIT, one round trip less per command.
   */
  writesOnly?: boolean;
  handle(events: ProjectedEvent<TEvent>[], context: { client: PoolClient }): Promise<void>;
}

/** A transaction of a store that has them (the PostgreSQL adapter's `PostgresEventStoreTransaction`). */
export type CommandTransaction = Pick<PostgresEventStoreTransaction, 'client' | 'appendToStream' | 'readStream'> &
  Partial<Pick<PostgresEventStoreTransaction, 'deferred' | 'appendAtCommit'>>;

/** An event store; with `withTransaction` (the PostgreSQL adapter) it can run inline projections. */
export type CommandEventStore = EventStore & {
  withTransaction?<T>(work: (transaction: CommandTransaction) => Promise<T>, operation?: string): Promise<T>;
};

export interface CommandHandlerOptions<TEvent extends DomainEvent = DomainEvent> {
  /** Attempts when another writer appended first; each attempt re-reads the stream. Default 10. */
  maxAttempts?: number;
  /** Reads the stream's stored events as today's shapes (upcasting); without it they are folded as stored. */
  events?: StoredEventReader<TEvent>;
  /**
   * `inline`: read models written in the append's transaction. A PostgreSQL-adapter capability: a store without
   * transactions (KurrentDB) refuses a handler that has them.
   */
  projections?: { inline?: readonly InlineProjection<TEvent>[] };
  /**
   * Appends in a caller's transaction (`handleIn`, `appendIn`) to a stream at a known revision travel with its COMMIT
   * (`PostgresEventStoreTransaction.appendAtCommit`), one round trip less per command; a conflict then fails the
   * transaction as a whole (`WrongExpectedRevisionError`, retried by `retry`). Their results carry no position: for a
   * service that does not wait on positions (e.g. until the relay published them).
   */
  appendAtCommit?: boolean;
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

export const DEFAULT_COMMAND_ATTEMPTS = 10;

/**
 * The commands' retry policy: runs `attempt(1)`, `attempt(2)` … while it fails with `WrongExpectedRevisionError`
 * (another writer appended first), each after a jittered backoff, and throws `StreamContentionError` after the last.
 * Each attempt must decide again on a fresh read.
 */
export async function retryOnConflict<T>(streamId: string, attempt: (n: number) => Promise<T>, maxAttempts = DEFAULT_COMMAND_ATTEMPTS): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      if (n >= maxAttempts) throw new StreamContentionError(streamId, n, error);
      // Concurrent writers retrying in lockstep would collide again: spread them out a little.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * 2 ** n)));
    }
  }
}

/**
 * Reads a stream, folds it, decides, appends with the revision it read and, when the events concern an inline
 * projection, applies it in the append's transaction before it commits. A concurrent writer makes the append fail;
 * the handler then retries with fresh state a bounded number of times (`retryOnConflict`), so the decision is
 * always made on current state.
 */
export class DeciderCommandHandler<TState, TCommand, TEvent extends DomainEvent> {
  private readonly inline: readonly InlineProjection<TEvent>[];

  constructor(
    private readonly store: CommandEventStore,
    private readonly decider: Decider<TState, TCommand, TEvent>,
    private readonly options: CommandHandlerOptions<TEvent> = {},
  ) {
    this.inline = options.projections?.inline ?? [];
    if (this.inline.length > 0 && !store.withTransaction) throw new Error('inline projections need an event store with transactions (PostgreSQL)');
  }

  async load(streamId: string): Promise<LoadedStream<TState>> {
    return this.fold(await this.store.readStream(streamId));
  }

  /** As `load`, on the transaction's connection (it sees what the transaction wrote and the locks it holds). */
  async loadIn(transaction: CommandTransaction, streamId: string): Promise<LoadedStream<TState>> {
    return this.fold(await transaction.readStream(streamId));
  }

  /** `read`: the stream as the caller just read it; the first attempt decides on it, later ones read afresh. */
  handle(streamId: string, command: TCommand, metadata: EventMetadata, read?: LoadedStream<TState>): Promise<HandleResult<TState, TEvent>> {
    return this.retry(streamId, async (attempt) => {
      const current = attempt === 1 && read ? read : await this.load(streamId);
      const newEvents = this.decider.decide(command, current.state);
      if (newEvents.length === 0) return { ...current, newEvents };
      const expected = expectedAfter(current.revision);
      const withTransaction = this.store.withTransaction?.bind(this.store);
      const appended =
        withTransaction && this.projects(newEvents)
          ? await withTransaction((tx) => this.appendIn(tx, streamId, newEvents, expected, metadata), 'command')
          : await this.store.appendToStream(streamId, toAppend(newEvents, metadata), expected);
      return { state: this.evolve(current.state, newEvents), newEvents, revision: appended.nextExpectedRevision, position: appended.position };
    });
  }

  /**
   * Decides on `read` (or the stream read in the transaction) and appends in the caller's transaction, inline
   * projections included. No retry: a conflict fails the transaction; run it under `retry` to decide again.
   */
  async handleIn(
    transaction: CommandTransaction,
    streamId: string,
    command: TCommand,
    metadata: EventMetadata,
    read?: LoadedStream<TState>,
  ): Promise<HandleResult<TState, TEvent>> {
    const current = read ?? (await this.loadIn(transaction, streamId));
    const newEvents = this.decider.decide(command, current.state);
    if (newEvents.length === 0) return { ...current, newEvents };
    const appended = await this.appendIn(transaction, streamId, newEvents, expectedAfter(current.revision), metadata);
    return { state: this.evolve(current.state, newEvents), newEvents, revision: appended.nextExpectedRevision, position: appended.position };
  }

  /** Appends decided events in the caller's transaction, naming the revision expected, and applies the inline projections. */
  async appendIn(
    transaction: CommandTransaction,
    streamId: string,
    events: TEvent[],
    expected: ExpectedRevision,
    metadata: EventMetadata,
  ): Promise<Pick<AppendResult, 'nextExpectedRevision'> & Partial<AppendResult>> {
    const appended =
      this.options.appendAtCommit && typeof expected === 'bigint' && transaction.appendAtCommit
        ? transaction.appendAtCommit(streamId, toAppend(events, metadata), expected)
        : await transaction.appendToStream(streamId, toAppend(events, metadata), expected);
    const first = appended.nextExpectedRevision - BigInt(events.length) + 1n;
    const projected = events.map((event, index) => ({ ...event, streamId, streamRevision: first + BigInt(index), metadata }));
    for (const projection of this.inline) {
      const mine = projected.filter((event) => handles(projection, event));
      if (mine.length > 0) await projection.handle(mine, { client: (projection.writesOnly && transaction.deferred) || transaction.client });
    }
    return appended;
  }

  /** The handler's retry policy around work of the caller's (e.g. a transaction that takes a lock before deciding). */
  retry<T>(streamId: string, attempt: (n: number) => Promise<T>): Promise<T> {
    return retryOnConflict(streamId, attempt, this.options.maxAttempts);
  }

  private projects(events: readonly TEvent[]): boolean {
    return this.inline.some((projection) => events.some((event) => handles(projection, event)));
  }

  private evolve(state: TState, events: readonly TEvent[]): TState {
    return events.reduce((s, e) => this.decider.evolve(s, e), state);
  }

  /** The stream's state and revision from its events, read by the caller (`readStreamAfter`, for one). */
  fold(events: RecordedEvent[]): LoadedStream<TState> {
    const reader = this.options.events;
    const domainEvents = reader ? events.flatMap((e) => reader.readDomainEvent(e) ?? []) : events.map((e) => ({ type: e.type, data: e.data }) as TEvent);
    const state = foldEvents(this.decider, domainEvents);
    const last = events[events.length - 1];
    return { state, revision: BigInt(events.length) - 1n, ...(last ? { position: last.position } : {}) };
  }
}

function handles<TEvent extends DomainEvent>(projection: InlineProjection<TEvent>, event: TEvent): boolean {
  return !projection.canHandle || projection.canHandle.includes(event.type);
}

function expectedAfter(revision: bigint): ExpectedRevision {
  return revision < 0n ? 'no_stream' : revision;
}

function toAppend(events: readonly DomainEvent[], metadata: EventMetadata): EventToAppend[] {
  return events.map((event) => ({ id: randomUUID(), type: event.type, data: event.data, metadata }));
}
