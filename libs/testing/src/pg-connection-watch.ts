import type { Pool, PoolClient } from 'pg';

/**
 * Records the text of every query sent on the connections `pool.connect()` hands out (transactions) until `restore`:
 * one entry per message on the wire, so a test can say how many round trips a transaction took. `pool.query` takes
 * its connection with a callback and passes through untouched.
 */
export function watchConnections(pool: Pool): { sent: string[]; restore: () => void } {
  const sent: string[] = [];
  const original = pool.connect;
  const connect = original.bind(pool) as (callback?: unknown) => Promise<PoolClient>;
  const watched = async (): Promise<PoolClient> => {
    const connection = await connect();
    const query = connection.query.bind(connection) as (config: unknown, values?: unknown) => Promise<unknown>;
    const release = connection.release.bind(connection);
    Object.assign(connection, {
      query: (config: unknown, values?: unknown) => {
        sent.push(typeof config === 'string' ? config : (config as { text: string }).text);
        return query(config, values);
      },
      release: (error?: Error | boolean) => {
        delete (connection as { query?: unknown }).query;
        delete (connection as { release?: unknown }).release;
        release(error);
      },
    });
    return connection;
  };
  Object.assign(pool, { connect: (callback?: unknown) => (callback ? connect(callback) : watched()) });
  return { sent, restore: () => Object.assign(pool, { connect: original }) };
}
