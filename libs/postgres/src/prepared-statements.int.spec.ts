import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { PoolClient } from 'pg';
import { MAX_PREPARED_PER_CONNECTION, preparedStatementSql, sendWithPrepares, settlePreparedStatements, takeUnsentPrepares } from './prepared-statements';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `prepared_${randomBytes(5).toString('hex')}`;

describe('prepared statements in simple-protocol messages (PostgreSQL)', () => {
  let client: Client;
  const as = () => client as unknown as PoolClient;
  const insert = () => `insert into ${schema}.notes (id, note, at) values ($1, $2, $3::timestamptz)`;

  /** One message as every sender of prepared statements sends it (`sendWithPrepares`); answers the message's text. */
  async function send(statements: string[]): Promise<string> {
    const query = client.query.bind(client) as (text: string) => Promise<unknown>;
    let message = '';
    Object.assign(client, {
      query: (text: string) => {
        message = text;
        return query(text);
      },
    });
    try {
      await sendWithPrepares(as(), statements.join(';\n'));
    } finally {
      delete (client as { query?: unknown }).query;
    }
    return message;
  }

  /** A failed transaction as the runners end it: rolled back, then the PREPAREs in doubt settled. */
  async function failing(statements: string[]): Promise<unknown> {
    const error = await send(statements).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeDefined();
    await client.query('rollback');
    await settlePreparedStatements(as(), error);
    return error;
  }

  const prepared = async (): Promise<string[]> =>
    (await client.query<{ name: string }>(`select name from pg_prepared_statements order by name`)).rows.map((row) => row.name);
  const notes = async () => (await client.query(`select id, note, at from ${schema}.notes order by id`)).rows;

  beforeAll(async () => {
    client = new Client({ connectionString: url });
    await client.connect().catch((error: unknown) => {
      throw new Error(`PostgreSQL is required for this test and is not reachable at ${url.replace(/\/\/[^@/]*@/, '//')} (set DATABASE_URL): ${String(error)}`);
    });
    await client.query(`create schema ${schema}; create table ${schema}.notes (id int primary key, note text, at timestamptz)`);
  });

  afterAll(async () => {
    await client?.query(`drop schema if exists ${schema} cascade`);
    await client?.end();
  });

  it('prepares a statement once per connection, in front of its first message, then executes it by name with its values', async () => {
    const at = new Date('2026-12-07T06:00:00.000Z');
    const first = await send(['begin', preparedStatementSql(as(), insert(), [1, "it's \\ here", at]), 'commit']);
    const name = /^PREPARE (\S+) AS /.exec(first)?.[1];
    expect(name).toBeDefined();
    expect(first.startsWith(`PREPARE ${name} AS ${insert()};\nbegin;\nEXECUTE ${name}('1',  E'it''s \\\\ here', '`)).toBe(true);
    expect(first.endsWith(`');\ncommit`)).toBe(true);
    expect(await send([preparedStatementSql(as(), insert(), [2, null, null])])).toBe(`EXECUTE ${name}('2', NULL, NULL)`);
    expect(await notes()).toEqual([
      { id: 1, note: "it's \\ here", at },
      { id: 2, note: null, at: null },
    ]);
    expect(await prepared()).toEqual([name]);
  });

  it('keeps a PREPARE that ran in a message that failed after it: executed by the same name, nothing left behind', async () => {
    const before = await prepared();
    const text = `${insert()} returning id`;
    // The duplicate key fails the message after its PREPARE ran; a rollback does not undo a PREPARE.
    await failing(['begin', preparedStatementSql(as(), text, [1, 'again', null]), 'commit']);
    const after = await prepared();
    expect(after).toHaveLength(before.length + 1);
    const again = await send([preparedStatementSql(as(), text, [3, 'third', null])]);
    expect(again).toMatch(/^EXECUTE pm_\w+\('3', 'third', NULL\)$/);
    expect(after).toContain(/^EXECUTE (pm_\w+)/.exec(again)![1]);
    expect(await prepared()).toEqual(after);
  });

  it('forgets a PREPARE that did not run, prepares it again at next use, and inlines a statement PREPARE cannot type', async () => {
    const before = await prepared();
    // The first PREPARE fails (its $1 has no type it can infer), so the second does not run either.
    const untyped = `select $1 is null as missing`;
    const typed = `select $1::int + 1 as next`;
    const error = await failing([preparedStatementSql(as(), untyped, ['x']), preparedStatementSql(as(), typed, [1])]);
    expect((error as { code?: string }).code).toBe('42P18');
    expect(await prepared()).toEqual(before);
    // Inlined from now on, as before prepared statements: the literal takes its type from its context.
    expect(preparedStatementSql(as(), untyped, ['x'])).toBe(`select 'x' is null as missing`);
    const retried = await send([preparedStatementSql(as(), typed, [41])]);
    expect(retried).toMatch(/^PREPARE (\S+) AS select \$1::int \+ 1 as next;\nEXECUTE \1\('41'\)$/);
    expect(await prepared()).toHaveLength(before.length + 1);
  });

  it('forgets what was handed out but never sent, and inlines what PREPARE does not take and statements past the limit', async () => {
    const text = `select $1::int * 2 as doubled`;
    const unsent = preparedStatementSql(as(), text, [2]);
    expect(unsent).toMatch(/^EXECUTE /);
    await settlePreparedStatements(as());
    expect(takeUnsentPrepares(as()).statements).toEqual([]);
    // Handed out again: a new PREPARE goes with it.
    preparedStatementSql(as(), text, [2]);
    expect(takeUnsentPrepares(as()).statements).toEqual([expect.stringMatching(/^PREPARE \S+ AS select \$1::int \* 2 as doubled$/)]);
    await settlePreparedStatements(as());

    expect(preparedStatementSql(as(), `lock table ${schema}.notes; select $1::int`, [1])).toBe(`lock table ${schema}.notes; select '1'::int`);
    const known = await prepared();
    for (let i = known.length; i < MAX_PREPARED_PER_CONNECTION + 5; i += 1) preparedStatementSql(as(), `select $1::int + ${i}`, [i]);
    const handedOut = takeUnsentPrepares(as());
    expect(preparedStatementSql(as(), `select $1::int - 1`, [5])).toBe(`select '5'::int - 1`);
    handedOut.sent();
  });
});
