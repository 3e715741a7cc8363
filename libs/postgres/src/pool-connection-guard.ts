import type { Pool } from 'pg';

export type ConnectionErrorListener = (error: Error) => void;

/**
 * Makes a lost PostgreSQL connection survivable for every client of `pool`.
 *
 * node-postgres emits `'error'` on a `Client` whose socket dies (`read ECONNRESET`, `Connection terminated
 * unexpectedly`). pg-pool listens for it only while the client sits idle; a client that is checked out (inside a
 * transaction, holding a LISTEN or an advisory lock) has no listener at that moment, so a database restart turns
 * into an unhandled `'error'` event and kills the process. This gives every client a listener for its whole life:
 * the query in flight still rejects (pg fails every pending query of a broken client), the caller's `release()`
 * sees the client is no longer queryable and the pool drops it, and idle broken clients are dropped by pg-pool's
 * own idle listener, which now has a `pool.on('error')` to report to instead of crashing.
 */
export function guardPoolConnections(pool: Pool, onError: ConnectionErrorListener = () => undefined): Pool {
  // pg-pool re-emits an idle client's error on the pool after dropping it; the client's own listener below has
  // already reported it, so the pool's copy needs a listener only to not be unhandled.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}
