import {
  ANY,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  type AllStreamResolvedEvent,
  type AppendStreamState,
  type ReadPosition,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import {
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type EventMetadata,
  type ExpectedRevision,
  type GlobalPosition,
  type RecordedEvent,
} from '../event-store.port';

/** Checkpoint streams share this prefix; readAll and subscriptions leave them out of the global log. */
export const CHECKPOINT_STREAM_PREFIX = 'pushmfa-checkpoint-';
export const CHECKPOINT_EVENT_TYPE = 'PushmfaCheckpointStored';

/** Server-side filter for $all: no system events ($-prefixed types) and no checkpoint records. */
export const GLOBAL_LOG_EVENT_TYPE_REGEX = `^(?!\\$)(?!${CHECKPOINT_EVENT_TYPE}$).*`;

export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      return expected;
  }
}

/** Our positions are exclusive lower bounds; KurrentDB reads from a position inclusively, so callers drop it. */
export function toReadPosition(after: GlobalPosition): ReadPosition {
  if (after.major < 0n) return START;
  return { commit: after.major, prepare: after.minor };
}

/**
 * Optional namespace: streams are stored as `<namespace>/<streamId>`, so several services (or test files) can
 * share one server and each reads only its own part of $all.
 */
export class StreamNamespace {
  constructor(readonly name?: string) {
    if (name !== undefined && !/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`invalid KurrentDB namespace "${name}"`);
  }

  get prefix(): string {
    return this.name === undefined ? '' : `${this.name}/`;
  }

  stored(streamId: string): string {
    return `${this.prefix}${streamId}`;
  }

  checkpointStream(subscriptionId: string): string {
    return `${CHECKPOINT_STREAM_PREFIX}${this.prefix}${subscriptionId}`;
  }

  /** The event as the port shows it, or null when it is not part of this namespace's global log. */
  visible(event: RecordedEvent | null): RecordedEvent | null {
    if (!event || event.type.startsWith('$') || event.streamId.startsWith(CHECKPOINT_STREAM_PREFIX)) return null;
    if (!event.streamId.startsWith(this.prefix)) return null;
    return { ...event, streamId: event.streamId.slice(this.prefix.length) };
  }
}

function toMetadata(metadata: unknown): EventMetadata {
  return typeof metadata === 'object' && metadata !== null && !(metadata instanceof Uint8Array) && !Array.isArray(metadata) ? (metadata as EventMetadata) : {};
}

function toData(data: unknown): Record<string, unknown> {
  return typeof data === 'object' && data !== null && !(data instanceof Uint8Array) && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : { value: data instanceof Uint8Array ? Buffer.from(data).toString('base64') : data };
}

/** A resolved event from a stream or $all; links are not resolved, so `event` is the stored record. */
export function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | null {
  const event = resolved.event;
  if (!event) return null;
  const position = event.position;
  return {
    id: event.id,
    type: event.type,
    streamId: event.streamId,
    streamRevision: event.revision,
    position: position ? { major: position.commit, minor: position.prepare } : { major: -1n, minor: -1n },
    data: toData(event.data),
    metadata: toMetadata(event.metadata),
    recordedAt: event.created,
  };
}

interface ClientErrorShape {
  type?: unknown;
  name?: unknown;
  code?: unknown;
  streamName?: unknown;
  actualState?: unknown;
}

/** gRPC status codes UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED and RESOURCE_EXHAUSTED. */
const UNAVAILABLE_GRPC_CODES = new Set([14, 4, 1, 8]);
const UNAVAILABLE_ERROR_TYPES = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'not-leader', 'cancelled']);

export function isUnavailableError(error: unknown): boolean {
  if (error instanceof EventStoreUnavailableError) return true;
  const shape = (error ?? {}) as ClientErrorShape;
  if (typeof shape.type === 'string' && UNAVAILABLE_ERROR_TYPES.has(shape.type)) return true;
  if (typeof shape.code === 'number' && UNAVAILABLE_GRPC_CODES.has(shape.code)) return true;
  const message = error instanceof Error ? error.message : '';
  return message.startsWith('Failed to discover after');
}

export function isStreamNotFound(error: unknown): boolean {
  return ((error ?? {}) as ClientErrorShape).type === 'stream-not-found';
}

/** Maps client errors onto the port's; other errors pass through. */
export function toEventStoreError(error: unknown, operation: string, streamId?: string, expected?: ExpectedRevision): unknown {
  const shape = (error ?? {}) as ClientErrorShape;
  if (shape.type === 'wrong-expected-version' && streamId !== undefined && expected !== undefined) {
    const actual = shape.actualState;
    return new WrongExpectedRevisionError(streamId, expected, typeof actual === 'bigint' ? actual : actual === NO_STREAM ? 'no_stream' : 'unknown');
  }
  if (error instanceof EventStoreUnavailableError || !isUnavailableError(error)) return error;
  return new EventStoreUnavailableError(`KurrentDB event store unavailable during ${operation}`, { cause: error });
}
