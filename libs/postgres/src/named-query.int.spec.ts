import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { namedQuery } from './named-query';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `named_${randomBytes(5).toString('hex')}`;

describe('namedQuery (PostgreSQL)', () => {
  let client: Client;

  beforeAll(async () => {
    client = new Client({ connectionString: url });
    await client.connect().catch((error: unknown) => {
      throw new Error(`namedQuery needs PostgreSQL at ${url} (npm run infra:up starts it): ${String(error)}`);
    });
    await client.query(`create schema ${schema}; create table ${schema}.keys (key_hash text primary key, workspace_id text not null)`);
    await client.query(`insert into ${schema}.keys select 'k' || g, 'ws' || (g % 7) from generate_series(1, 200) g`);
  });

  afterAll(async () => {
    await client?.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    await client?.end();
  });

  it('prepares the statement once per connection, and a key lookup settles on one generic plan', async () => {
    const text = `select workspace_id from ${schema}.keys where key_hash = $1`;
    for (let i = 1; i <= 12; i++) {
      const { rows } = await client.query<{ workspace_id: string }>(namedQuery(text, [`k${i}`]));
      expect(rows).toEqual([{ workspace_id: `ws${i % 7}` }]);
    }
    const { rows } = await client.query<{ name: string; generic_plans: string; custom_plans: string }>(
      'select name, generic_plans, custom_plans from pg_prepared_statements where statement = $1',
      [text],
    );
    // Unnamed, the statement would not be listed at all: it would be parsed and planned on each of the 12 calls.
    expect(rows).toHaveLength(1);
    expect(rows[0]!.name).toBe(namedQuery(text, []).name);
    expect(rows[0]!.name).toMatch(/^pq_[0-9a-f]{16}$/);
    expect(Number(rows[0]!.custom_plans)).toBeLessThanOrEqual(5);
    expect(Number(rows[0]!.generic_plans)).toBeGreaterThanOrEqual(7);
  });

  it('gives one text one name and different texts different names', () => {
    const a = namedQuery('select 1 where $1::int = 1', [1]);
    expect(namedQuery('select 1 where $1::int = 1', [2]).name).toBe(a.name);
    expect(namedQuery('select 2 where $1::int = 1', [1]).name).not.toBe(a.name);
    expect(a.values).toEqual([1]);
  });
});
