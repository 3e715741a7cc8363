import type { PoolClient } from 'pg';
import { sendWithPrepares, withQuery } from '@pushmfa/postgres';

/**
 * A transaction's connection that sends BEGIN with the transaction's first statement instead of on its own round
 * trip: when that statement is a plain SQL string (the simple query protocol, as the lock-and-read batches of the
 * command handlers are), `BEGIN; <statement>` goes in one message and the caller gets the statement's own results;
 * otherwise BEGIN is queued just before it. A plain SQL string also carries, after BEGIN, the PREPAREs its prepared
 * statements need (`preparedStatementSql`), their results left out too. `begun()` says whether anything was sent: a
 * transaction that sent nothing needs neither COMMIT nor ROLLBACK.
 */
export function lazilyBegun(client: PoolClient): { client: PoolClient; begun: () => boolean } {
  let begun = false;
  const query = client.query.bind(client) as (config: unknown, values?: unknown) => Promise<unknown>;
  const lazyQuery = (config: unknown, values?: unknown): Promise<unknown> => {
    if (typeof config === 'string' && values === undefined) {
      const begin = !begun;
      begun = true;
      return sendWithPrepares(client, config, { begin }).then((results) => (results.length === 1 ? results[0] : results));
    }
    if (begun) return query(config, values);
    begun = true;
    // pg sends a connection's queries one after the other in call order: BEGIN runs first.
    void query('BEGIN').catch(() => undefined);
    return query(config, values);
  };
  return { client: withQuery(client, lazyQuery), begun: () => begun };
}
