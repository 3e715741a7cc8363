import type { PoolClient } from 'pg';
import { inlineParameters, literalOf } from './inline-parameters';

/** A connection's prepared statements (statement text → name) and the PREPAREs handed out but not sent yet. */
interface ConnectionStatements {
  names: Map<string, string>;
  unsent: string[];
}

const statementsOf = new WeakMap<object, ConnectionStatements>();
let nextName = 0;

/**
 * Statements one connection prepares at most; past it, a new statement is inlined. A statement whose text changes
 * from call to call (values written into it) would otherwise prepare without end.
 */
export const MAX_PREPARED_PER_CONNECTION = 200;

/** What PREPARE takes: one plain SELECT, INSERT, UPDATE, DELETE or WITH statement (no second one after a semicolon). */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b[^;]*$/i;

/** The physical connection behind a client (also behind the proxies withQuery makes of it). */
function connectionOf(client: PoolClient): object {
  return (client as unknown as { connection?: object }).connection ?? client;
}

/**
 * A parameterised statement (`$n` placeholders, one statement) as SQL for a simple-protocol message on `client`'s
 * connection, executed by name: `EXECUTE name('v1', 'v2', …)`. The first time on a connection, the statement's
 * `PREPARE name AS <text>` is kept for the next message the connection sends (`takeUnsentPrepares`: the message's
 * sender puts it in front and leaves its result out), so no round trip is added. PostgreSQL then parses and analyses
 * the statement once per connection, and plans it once when its generic plan is no costlier than the custom ones (its
 * plan cache decides after five executions), where an inlined statement is parsed, analysed and planned on every
 * call: on the stack's hot paths, planning took as long as executing.
 *
 * The values travel as literals typed by the prepared statement's parameters (inferred from their use, as for an
 * unnamed parameterised statement), so the statement means what `inlineParameters` would make of it, which is what
 * a statement PREPARE does not take gets (see PREPARABLE), as does one past the connection's MAX_PREPARED_PER_CONNECTION.
 *
 * A transaction that fails must call `forgetPreparedStatements`: its PREPAREs may not have run. Names are never
 * reused, so a statement prepared again after that gets a new one and a PREPARE that did run cannot collide (it stays,
 * unused, until the connection closes).
 */
export function preparedStatementSql(client: PoolClient, text: string, values: readonly unknown[]): string {
  const connection = connectionOf(client);
  let statements = statementsOf.get(connection);
  if (!statements) {
    statements = { names: new Map(), unsent: [] };
    statementsOf.set(connection, statements);
  }
  let name = statements.names.get(text);
  if (!name) {
    if (statements.names.size >= MAX_PREPARED_PER_CONNECTION || !PREPARABLE.test(text)) return inlineParameters(text, values);
    name = `pm_${(nextName++).toString(36)}`;
    statements.names.set(text, name);
    statements.unsent.push(`PREPARE ${name} AS ${text}`);
  }
  return values.length > 0 ? `EXECUTE ${name}(${values.map(literalOf).join(', ')})` : `EXECUTE ${name}`;
}

/**
 * The PREPAREs that statements handed out for `client`'s connection need and that were not sent yet, taken: the
 * sender of a simple-protocol message puts them first (after BEGIN), and skips their results.
 */
export function takeUnsentPrepares(client: PoolClient): string[] {
  const statements = statementsOf.get(connectionOf(client));
  if (!statements || statements.unsent.length === 0) return [];
  const unsent = statements.unsent;
  statements.unsent = [];
  return unsent;
}

/** After a failed transaction on `client`'s connection: its statements are prepared again (under new names) at next use. */
export function forgetPreparedStatements(client: PoolClient): void {
  statementsOf.delete(connectionOf(client));
}
