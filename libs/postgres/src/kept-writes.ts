import type { PoolClient, QueryConfig, QueryResult } from 'pg';
import { preparedStatementSql } from './prepared-statements';

/** `client` with its own `query` replaced by `query`; every other member is the client's. */
export function withQuery(client: PoolClient, query: (config: never, values?: never) => Promise<unknown>): PoolClient {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'query') return query;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * A connection whose `query` keeps each statement in `kept` (as a prepared statement of the connection:
 * `preparedStatementSql`), for the transaction to send with its COMMIT in one message, and answers an empty result at
 * once. For writes whose results nobody reads. The sender of that message takes the connection's unsent PREPAREs.
 */
export function keepingWrites(connection: PoolClient, kept: string[]): PoolClient {
  const query = (config: string | QueryConfig, values?: unknown[]): Promise<QueryResult> => {
    const text = typeof config === 'string' ? config : config.text;
    const parameters = typeof config === 'string' ? values : (config.values ?? values);
    kept.push(preparedStatementSql(connection, text, parameters ?? []));
    return Promise.resolve({ command: '', rowCount: null, oid: 0, fields: [], rows: [] });
  };
  return withQuery(connection, query);
}
