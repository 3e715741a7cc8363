import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { PoolClient } from 'pg';
import { MAX_PREPARED_PER_CONNECTION, forgetPreparedStatements, preparedStatementSql, takeUnsentPrepares } from './prepared-statements';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `prepared_${randomBytes(5).toString('hex')}`;

/** One message on the connection as a sender of prepared statements sends it: unsent PREPAREs first. */
async function send(client: Client, statements: string[]): Promise<string> {
  const message = [...takeUnsentPrepares(client as unknown as PoolClient), ...statements].join(';\n');
  await client.query(message);
  return message;
}

describe('prepared statements in simple-protocol messages (PostgreSQL)', () => {
  let client: Client;
  const insert = () => `insert into ${schema}.notes (id, note, at) values ($1, $2, $3::timestamptz)`;

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

  const prepared = async (): Promise<string[]> =>
    (await client.query<{ name: string }>(`select name from pg_prepared_statements order by name`)).rows.map((row) => row.name);
  const notes = async () => (await client.query(`select id, note, at from ${schema}.notes order by id`)).rows;
  const as = () => client as unknown as PoolClient;

  it('prepares a statement once per connection, in front of its first message, then executes it by name with its values', async () => {
    const at = new Date('2026-12-07T06:00:00.000Z');
    const first = await send(client, ['begin', preparedStatementSql(as(), insert(), [1, "it's \\ here", at]), 'commit']);
    const name = /^PREPARE (\S+) AS /.exec(first)?.[1];
    expect(name).toBeDefined();
    expect(first.startsWith(`PREPARE ${name} AS ${insert()};\nbegin;\nEXECUTE ${name}('1',  E'it''s \\\\ here', '`)).toBe(true);
    expect(first.endsWith(`');\ncommit`)).toBe(true);
    const second = await send(client, [preparedStatementSql(as(), insert(), [2, null, null])]);
    expect(second).toBe(`EXECUTE ${name}('2', NULL, NULL)`);
    expect(await notes()).toEqual([
      { id: 1, note: "it's \\ here", at },
      { id: 2, note: null, at: null },
    ]);
    expect(await prepared()).toEqual([name]);
  });

  it('after a failed transaction, prepares again under a new name, whether or not the PREPARE had run', async () => {
    const before = await prepared();
    // The duplicate key fails the message after its PREPARE ran: the name is forgotten, the statement stays unused.
    const failing = send(client, ['begin', preparedStatementSql(as(), `${insert()} returning id`, [1, 'again', null]), 'commit']);
    await expect(failing).rejects.toThrow(/duplicate key/);
    await client.query('rollback');
    forgetPreparedStatements(as());
    const retried = await send(client, [preparedStatementSql(as(), `${insert()} returning id`, [3, 'third', null])]);
    expect(retried).toMatch(/^PREPARE (\S+) AS insert .*;\nEXECUTE \1\('3', 'third', NULL\)$/s);
    expect((await prepared()).length).toBe(before.length + 2);
    // A statement known before the failure is prepared anew too (its old name is not trusted after a failure).
    expect(await send(client, [preparedStatementSql(as(), insert(), [4, 'fourth', null])])).toMatch(/^PREPARE /);
    expect((await notes()).map((row) => row.id)).toEqual([1, 2, 3, 4]);
  });

  it('inlines what PREPARE does not take, and new statements past the per-connection limit', () => {
    expect(preparedStatementSql(as(), `lock table ${schema}.notes; select $1::int`, [1])).toBe(`lock table ${schema}.notes; select '1'::int`);
    forgetPreparedStatements(as());
    for (let i = 0; i < MAX_PREPARED_PER_CONNECTION; i += 1) expect(preparedStatementSql(as(), `select $1::int + ${i}`, [i])).toMatch(/^EXECUTE /);
    expect(preparedStatementSql(as(), `select $1::int - 1`, [5])).toBe(`select '5'::int - 1`);
    expect(takeUnsentPrepares(as())).toHaveLength(MAX_PREPARED_PER_CONNECTION);
    forgetPreparedStatements(as());
  });
});
