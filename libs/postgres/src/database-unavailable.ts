/**
 * The one answer to "is the database unavailable?" (a connection refused, reset or timed out, a server shutting
 * down, starting up or out of connections, a statement cancelled, a read-only standby), as opposed to "the request
 * is wrong". Consumers retry on it instead of dead-lettering, HTTP answers 503 `unavailable`, the event store raises
 * its EventStoreUnavailableError: every caller asks here, so they always agree.
 */

/** SQLSTATE classes: 08 connection exception, 53 insufficient resources, 57P operator intervention (shutdown, startup). */
const UNAVAILABLE_SQLSTATE_PREFIXES = ['08', '53', '57P'];
// 57014: statement timeout or cancel; 25006: a read-only server (a standby after failover).
const UNAVAILABLE_SQLSTATES = new Set(['57014', '25006']);
/** Socket errors, raised by Node for the pg client (and for any other TCP client). */
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
/** node-postgres reports these as plain Errors without a code. */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end',
  'Query read timeout',
  'connection timeout',
];

/** The error's `code` when it is a string (a SQLSTATE from the server, a Node socket code). */
export function sqlStateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * True for a connection-level failure of PostgreSQL, also when it is an AggregateError's member (dual-stack connect)
 * or the `cause` of what was thrown. Duck-typed, not `instanceof Error`: a socket error raised by Node itself may come
 * from another realm (a test's VM context).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (
    let current = error, depth = 0;
    typeof current === 'object' && current !== null && depth < 5;
    current = (current as { cause?: unknown }).cause, depth++
  ) {
    if (current instanceof AggregateError && current.errors.some(isDatabaseUnavailable)) return true;
    const code = sqlStateOf(current);
    if (code !== undefined) {
      if (UNAVAILABLE_NODE_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
      if (UNAVAILABLE_SQLSTATE_PREFIXES.some((prefix) => code.startsWith(prefix))) return true;
    }
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((fragment) => message.includes(fragment))) return true;
  }
  return false;
}

/**
 * Tags a database-unavailable failure `code: 'unavailable'` (the cause kept, the message free of SQL and connection
 * strings) so that whoever catches it, a consumer or the HTTP layer, retries or answers 503; anything else passes through.
 */
export function asUnavailable(error: unknown): unknown {
  if ((error as { code?: unknown })?.code === 'unavailable' || !isDatabaseUnavailable(error)) return error;
  const code = sqlStateOf(error);
  return Object.assign(new Error(`database unavailable${code !== undefined ? ` (${code})` : ''}`, { cause: error }), { code: 'unavailable' });
}
