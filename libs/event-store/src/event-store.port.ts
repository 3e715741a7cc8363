/** The one port every event-sourced service uses; PostgreSQL and KurrentDB adapters implement it. */

/** Revision of the last event in a stream (0-based); `no_stream` demands a new stream, `any` skips the check. */
export type ExpectedRevision = bigint | 'no_stream' | 'stream_exists' | 'any';

export interface EventToAppend {
  /** UUID, unique across the store; a retried append with the same id is a duplicate. */
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata?: EventMetadata;
}

export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  traceparent?: string;
  workspaceId?: string;
  [key: string]: unknown;
}

/**
 * Opaque, totally ordered position in the global log (commit order).
 * Compare with `comparePositions`; persist with `serializePosition` / `parsePosition`.
 */
export interface GlobalPosition {
  /** PostgreSQL: transaction id; KurrentDB: commit position. */
  major: bigint;
  /** PostgreSQL: global sequence number; KurrentDB: prepare position. */
  minor: bigint;
}

export const START_POSITION: GlobalPosition = { major: -1n, minor: -1n };

export interface RecordedEvent {
  id: string;
  type: string;
  streamId: string;
  /** 0-based revision of this event in its stream. */
  streamRevision: bigint;
  position: GlobalPosition;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the last appended event. */
  nextExpectedRevision: bigint;
  position: GlobalPosition;
}

export interface ReadStreamOptions {
  fromRevision?: bigint;
  maxCount?: number;
}

export interface ReadAllOptions {
  maxCount?: number;
}

export interface Subscription {
  stop(): Promise<void>;
  /**
   * False while the subscription cannot follow the log (its store is unreachable, or its connection was lost and
   * is not yet re-established); readiness checks use it. Stores that cannot tell leave it out.
   */
  isHealthy?(): boolean;
}

export interface SubscribeOptions {
  /** Durable name; the checkpoint is stored under it. */
  subscriptionId: string;
  /** Called in commit order with batches; the checkpoint moves past a batch only after it resolves. */
  handle(events: RecordedEvent[]): Promise<void>;
  batchSize?: number;
  /** Called when handle throws or the store fails; the batch is retried after a backoff. */
  onError?(error: unknown): void;
  /**
   * How long the stored checkpoint may trail the handled batches (default 0: it is stored after every batch). With
   * more, a busy log stores it about once per interval instead of once per batch (a round trip and a commit each); a
   * quiet one stores it at its next empty read, and stop() stores it. A crash or a lost session then hands the last
   * interval's batches to `handle` again: delivery is at least once in any case, so `handle` must be idempotent. A
   * store may store the checkpoint sooner (KurrentDB stores it after every batch).
   */
  checkpointIntervalMs?: number;
  /**
   * Gathering under load (default 0: none). After a read that found events and was not cut at `batchSize`, the next
   * read waits until this long after it began, notifications or not, so a busy log is read (and its batches handed
   * over) about once per interval, with what arrived meanwhile, instead of once per committing transaction. The first
   * read after a quiet spell runs at once; a backlog is read without waiting. A store may read sooner (KurrentDB
   * ignores it).
   */
  gatherMs?: number;
  /** First retry delay after a failure; doubles up to `maxRetryDelayMs`. Defaults: 100 ms and 5 s. */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
}

export interface EventStore {
  /**
   * Throws `WrongExpectedRevisionError` when the stream's revision is not the expected one,
   * `DuplicateEventIdError` (PostgreSQL) when an event id is already stored (KurrentDB treats an identical
   * retry as already done), `EventStoreUnavailableError` when the store cannot be reached.
   */
  appendToStream(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream, oldest first; an absent stream reads as []. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events strictly after `after`, in commit order; never skips an event a slower transaction commits later. */
  readAll(after: GlobalPosition, options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** A durable subscription to the global log that resumes from its stored checkpoint. */
  subscribeToAll(options: SubscribeOptions): Promise<Subscription>;
  readCheckpoint(subscriptionId: string): Promise<GlobalPosition | null>;
  storeCheckpoint(subscriptionId: string, position: GlobalPosition): Promise<void>;
  /** Creates the schema/tables when needed; idempotent. */
  migrate(): Promise<void>;
  /** True when the store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  readonly code = 'wrong_expected_revision';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream' | 'unknown',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** An event id already exists in the store; nothing of the append was written. */
export class DuplicateEventIdError extends Error {
  readonly code = 'duplicate_event_id';
  constructor(
    readonly streamId: string,
    options?: { cause?: unknown },
  ) {
    super(`stream ${streamId}: an event id of this append is already stored`, options);
    this.name = 'DuplicateEventIdError';
  }
}

/** The store could not be reached or failed mid-operation; nothing was half-written. */
export class EventStoreUnavailableError extends Error {
  readonly code = 'unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreUnavailableError';
  }
}

export function comparePositions(a: GlobalPosition, b: GlobalPosition): number {
  if (a.major !== b.major) return a.major < b.major ? -1 : 1;
  if (a.minor !== b.minor) return a.minor < b.minor ? -1 : 1;
  return 0;
}

export function serializePosition(p: GlobalPosition): string {
  return `${p.major}:${p.minor}`;
}

export function parsePosition(text: string): GlobalPosition {
  const match = /^(-?\d+):(-?\d+)$/.exec(text);
  if (!match) throw new Error(`not a global position: ${text}`);
  return { major: BigInt(match[1]!), minor: BigInt(match[2]!) };
}
