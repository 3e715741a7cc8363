import { EventStoreUnavailableError } from '../event-store.port';

/** SQLSTATE classes and codes that mean "the database is not usable right now", not "your request is wrong". */
const UNAVAILABLE_SQLSTATE_PREFIXES = ['08', '53', '57P'];
// 57014: statement timeout or cancel; 25006: a read-only server (a standby after failover).
const UNAVAILABLE_SQLSTATES = new Set(['57014', '25006']);
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
/** node-postgres reports these as plain Errors without a code. */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end',
  'Query read timeout',
  'connection timeout',
];

export const UNIQUE_VIOLATION = '23505';

export function sqlStateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isUnavailableError(error: unknown): boolean {
  if (error instanceof EventStoreUnavailableError) return true;
  if (error instanceof AggregateError) return error.errors.some(isUnavailableError);
  const code = sqlStateOf(error);
  if (code !== undefined) {
    if (UNAVAILABLE_NODE_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
    if (UNAVAILABLE_SQLSTATE_PREFIXES.some((prefix) => code.startsWith(prefix))) return true;
  }
  const message = error instanceof Error ? error.message : '';
  return UNAVAILABLE_MESSAGES.some((fragment) => message.includes(fragment));
}

/** Turns infrastructure failures into the port's error; anything else (a bug, a conflict) passes through. */
export function toEventStoreError(error: unknown, operation: string): unknown {
  if (error instanceof EventStoreUnavailableError) return error;
  if (!isUnavailableError(error)) return error;
  // The message names the operation only: a pg error can carry SQL or a connection string, which must not leak.
  return new EventStoreUnavailableError(`PostgreSQL event store unavailable during ${operation}`, { cause: error });
}
