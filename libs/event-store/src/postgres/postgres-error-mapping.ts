import { isDatabaseUnavailable, sqlStateOf } from '@pushmfa/postgres';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../event-store.port';
import { APPEND_CONFLICT_SQLSTATE } from './postgres-event-store.sql';

export { sqlStateOf } from '@pushmfa/postgres';

export const UNIQUE_VIOLATION = '23505';

/** The event store's own error, or what @pushmfa/postgres classifies as "the database is unavailable". */
export function isUnavailableError(error: unknown): boolean {
  return error instanceof EventStoreUnavailableError || isDatabaseUnavailable(error);
}

/**
 * Turns infrastructure failures into the port's error and an append sent with COMMIT that found its stream moved
 * (APPEND_CONFLICT_SQLSTATE) into `WrongExpectedRevisionError`; anything else (a bug, a conflict) passes through.
 */
export function toEventStoreError(error: unknown, operation: string): unknown {
  if (error instanceof EventStoreUnavailableError) return error;
  if (sqlStateOf(error) === APPEND_CONFLICT_SQLSTATE) {
    const { detail, hint } = error as { detail?: string; hint?: string };
    const expected = BigInt(hint ?? '-1');
    return new WrongExpectedRevisionError(detail ?? 'unknown', expected < 0n ? 'no_stream' : expected, 'unknown');
  }
  if (!isUnavailableError(error)) return error;
  // The message names the operation only: a pg error can carry SQL or a connection string, which must not leak.
  return new EventStoreUnavailableError(`PostgreSQL event store unavailable during ${operation}`, { cause: error });
}
