import { isDatabaseUnavailable } from '@pushmfa/postgres';
import { EventStoreUnavailableError } from '../event-store.port';

export { sqlStateOf } from '@pushmfa/postgres';

export const UNIQUE_VIOLATION = '23505';

/** The event store's own error, or what @pushmfa/postgres classifies as "the database is unavailable". */
export function isUnavailableError(error: unknown): boolean {
  return error instanceof EventStoreUnavailableError || isDatabaseUnavailable(error);
}

/** Turns infrastructure failures into the port's error; anything else (a bug, a conflict) passes through. */
export function toEventStoreError(error: unknown, operation: string): unknown {
  if (error instanceof EventStoreUnavailableError) return error;
  if (!isUnavailableError(error)) return error;
  // The message names the operation only: a pg error can carry SQL or a connection string, which must not leak.
  return new EventStoreUnavailableError(`PostgreSQL event store unavailable during ${operation}`, { cause: error });
}
