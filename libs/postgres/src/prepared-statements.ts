import type { PoolClient, QueryResult } from 'pg';
import { inlineParameters, literalOf } from './inline-parameters';

interface Prepare {
  text: string;
  name: string;
}

/**
 * A connection's prepared statements (statement text → name), the PREPAREs handed out but not sent yet, and those
 * sent in a message whose outcome is not known yet.
 */
interface ConnectionStatements {
  names: Map<string, string>;
  unsent: Prepare[];
  unconfirmed: Prepare[];
}

const statementsOf = new WeakMap<object, ConnectionStatements>();
let nextName = 0;

/**
 * Statements PREPARE refused (a parameter whose type it cannot infer, which an inlined literal leaves to its context):
 * inlined from then on, in every connection of the process.
 */
const unpreparable = new Set<string>();

/**
 * Statements one connection prepares at most; past it, a new statement is inlined. A statement whose text changes
 * from call to call (values written into it) would otherwise prepare without end.
 */
export const MAX_PREPARED_PER_CONNECTION = 200;

/** What PREPARE takes: one plain SELECT, INSERT, UPDATE, DELETE or WITH statement (no second one after a semicolon). */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b[^;]*$/i;

/** PREPARE's errors for a parameter whose type it cannot infer (indeterminate_datatype, ambiguous_parameter). */
const UNTYPED_PARAMETER = new Set(['42P18', '42P08']);

/** The physical connection behind a client (also behind the proxies withQuery makes of it). */
function connectionOf(client: PoolClient): object {
  return (client as unknown as { connection?: object }).connection ?? client;
}

function statementsFor(client: PoolClient): ConnectionStatements {
  const connection = connectionOf(client);
  let statements = statementsOf.get(connection);
  if (!statements) {
    statements = { names: new Map(), unsent: [], unconfirmed: [] };
    statementsOf.set(connection, statements);
  }
  return statements;
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
 */
export function preparedStatementSql(client: PoolClient, text: string, values: readonly unknown[]): string {
  const statements = statementsFor(client);
  let name = statements.names.get(text);
  if (!name) {
    if (statements.names.size >= MAX_PREPARED_PER_CONNECTION || unpreparable.has(text) || !PREPARABLE.test(text)) return inlineParameters(text, values);
    name = `pm_${(nextName++).toString(36)}`;
    statements.names.set(text, name);
    statements.unsent.push({ text, name });
  }
  return values.length > 0 ? `EXECUTE ${name}(${values.map(literalOf).join(', ')})` : `EXECUTE ${name}`;
}

/** PREPAREs taken for one message. */
export interface UnsentPrepares {
  /** The PREPARE statements, to go first in the message (after BEGIN); their results are the sender's to skip. */
  readonly statements: readonly string[];
  /** The message that carried them succeeded: they are prepared. */
  sent(): void;
}

/**
 * The PREPAREs that statements handed out for `client`'s connection need and that were not sent yet, taken for the
 * message about to be sent. Its sender calls `sent()` once the message succeeded; after a failed one, the transaction's
 * runner calls `settlePreparedStatements` once the transaction is over.
 */
export function takeUnsentPrepares(client: PoolClient): UnsentPrepares {
  const statements = statementsFor(client);
  const taken = statements.unsent;
  if (taken.length === 0) return { statements: [], sent: () => undefined };
  statements.unsent = [];
  statements.unconfirmed.push(...taken);
  return {
    statements: taken.map(({ text, name }) => `PREPARE ${name} AS ${text}`),
    sent: () => {
      statements.unconfirmed = statements.unconfirmed.filter((prepare) => !taken.includes(prepare));
    },
  };
}

/**
 * Sends `sql` (plain SQL: one statement or several joined by semicolons) in one simple-protocol message on `client`,
 * with BEGIN first when `begin`, then the PREPAREs its prepared statements need (`takeUnsentPrepares`, counted as
 * prepared once the message succeeded). Answers the results of `sql`'s own statements, one per statement: BEGIN's and
 * the PREPAREs' are left out. Every sender of prepared statements goes through it.
 */
export async function sendWithPrepares(client: PoolClient, sql: string, options: { begin?: boolean } = {}): Promise<QueryResult[]> {
  const prepares = takeUnsentPrepares(client);
  const head = [...(options.begin ? ['BEGIN'] : []), ...prepares.statements];
  const answered = (await client.query(head.length > 0 ? `${head.join(';\n')};\n${sql}` : sql)) as unknown as QueryResult | QueryResult[];
  prepares.sent();
  return (Array.isArray(answered) ? answered : [answered]).slice(head.length);
}

/**
 * After a failed message, with its transaction over (rolled back) and the connection kept: asks the server which of
 * the PREPAREs sent in messages that did not succeed ran (they are not undone by a rollback, and a message stops at its
 * first failing statement), keeps those, and forgets the others, so they are prepared again at their next use. No
 * round trip when no PREPARE is in doubt. A PREPARE refused for an untyped parameter (`error`) makes its statement
 * inlined from then on. Statements handed out but never sent are forgotten too.
 */
export async function settlePreparedStatements(client: PoolClient, error?: unknown): Promise<void> {
  const statements = statementsOf.get(connectionOf(client));
  if (!statements) return;
  for (const { text } of statements.unsent) statements.names.delete(text);
  statements.unsent = [];
  const doubtful = statements.unconfirmed;
  if (doubtful.length === 0) return;
  statements.unconfirmed = [];
  const { rows } = await client.query<{ name: string }>('select name from pg_prepared_statements where name = any($1::text[])', [
    doubtful.map((prepare) => prepare.name),
  ]);
  const prepared = new Set(rows.map((row) => row.name));
  const missing = doubtful.filter((prepare) => !prepared.has(prepare.name));
  for (const { text } of missing) statements.names.delete(text);
  // The first PREPARE that did not run is the one that failed, when the error is PREPARE's.
  const code = (error as { code?: unknown } | undefined)?.code;
  if (missing[0] && typeof code === 'string' && UNTYPED_PARAMETER.has(code) && unpreparable.size < MAX_PREPARED_PER_CONNECTION)
    unpreparable.add(missing[0].text);
}
