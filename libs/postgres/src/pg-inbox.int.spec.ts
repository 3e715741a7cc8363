import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { watchConnections } from '@pushmfa/testing';
import { PgInbox } from './pg-inbox';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `inbox_${randomBytes(5).toString('hex')}`;

describe('PgInbox (PostgreSQL)', () => {
  let pool: Pool;
  let inbox: PgInbox;

  beforeAll(async () => {
    pool = new Pool({ connectionString: url, max: 4 });
    pool.on('error', () => undefined);
    await pool.query('select 1').catch((error: unknown) => {
      throw new Error(`PostgreSQL is required for this test and is not reachable at ${url.replace(/\/\/[^@/]*@/, '//')} (set DATABASE_URL): ${String(error)}`);
    });
    await pool.query(`create schema ${schema}`);
    inbox = new PgInbox(pool, schema);
    await inbox.migrate();
    await pool.query(`create table ${schema}.effects (id text primary key, note text)`);
  });

  afterAll(async () => {
    await pool.query(`drop schema if exists ${schema} cascade`);
    await pool.end();
  });

  const effects = async (): Promise<string[]> => (await pool.query<{ id: string }>(`select id from ${schema}.effects order by id`)).rows.map((row) => row.id);

  it('sends a batch in three messages: BEGIN with the prelude and the inbox record, the reads, the kept writes with COMMIT', async () => {
    const ids = [randomUUID(), randomUUID()];
    const { sent, restore } = watchConnections(pool);
    try {
      const fresh = await inbox.handleBatchOnce(
        'kept-writes',
        [...ids, ids[0]!],
        (id) => id,
        async (client, items, prelude, deferred) => {
          expect(prelude[0]!.rows).toEqual([{ answer: 42 }]);
          const read = await client.query<{ n: string }>(`select count(*)::text as n from ${schema}.effects where id = any($1::text[])`, [items]);
          expect(read.rows[0]!.n).toBe('0');
          for (const id of items) {
            const kept = await deferred.query(`insert into ${schema}.effects values ($1, $2)`, [id, "it's kept"]);
            expect(kept.rows).toEqual([]);
          }
        },
        { prelude: ['select 42 as answer'] },
      );
      expect(fresh).toEqual(ids);
      expect(sent).toHaveLength(3);
      // The inbox record: a prepared statement of the connection (one text for any number of ids), prepared in front.
      expect(sent[0]).toMatch(
        new RegExp(
          `^BEGIN;\\nPREPARE (\\S+) AS insert into ${schema}\\.processed_messages .*;\\nselect 42 as answer;\\nEXECUTE \\1\\('kept-writes', '\\{[^}]+\\}'\\)$`,
          's',
        ),
      );
      // The kept writes: one statement the connection prepares (in front, the first time) and executes twice by name.
      expect(sent[2]).toMatch(
        new RegExp(
          `^PREPARE (\\S+) AS insert into ${schema}\\.effects values \\(\\$1, \\$2\\);\\nEXECUTE \\1\\('[^']+', 'it''s kept'\\);\\nEXECUTE \\1\\('[^']+', 'it''s kept'\\);\\ncommit$`,
          's',
        ),
      );
      expect(await effects()).toEqual(expect.arrayContaining(ids));
    } finally {
      restore();
    }
    // Delivered again: nothing to do, nothing written.
    const again = await inbox.handleBatchOnce(
      'kept-writes',
      ids,
      (id) => id,
      () => Promise.reject(new Error('must not run')),
    );
    expect(again).toEqual([]);
  });

  it('records ids as they are, whatever characters they hold, and finds them again on redelivery', async () => {
    const ids = [`it's "odd" \\ {x}, y ${randomUUID()}`, `NULL ${randomUUID()}`, `é😀 ${randomUUID()}`];
    const seen: string[] = [];
    expect(
      await inbox.handleBatchOnce(
        'odd-ids',
        ids,
        (id) => id,
        async (_client, items) => void seen.push(...items),
      ),
    ).toEqual(ids);
    expect(seen).toEqual(ids);
    const { rows } = await pool.query<{ message_id: string }>(
      `select message_id from ${schema}.processed_messages where consumer = 'odd-ids' order by message_id`,
    );
    expect(rows.map((row) => row.message_id).sort()).toEqual([...ids].sort());
    expect(
      await inbox.handleBatchOnce(
        'odd-ids',
        ids,
        (id) => id,
        () => Promise.reject(new Error('must not run')),
      ),
    ).toEqual([]);
  });

  it('rolls the whole batch back when a kept write fails: no inbox record, no effect, so a redelivery runs it again', async () => {
    const taken = randomUUID();
    await pool.query(`insert into ${schema}.effects values ($1, 'already here')`, [taken]);
    const id = randomUUID();
    const written = randomUUID();
    await expect(
      inbox.handleBatchOnce(
        'kept-writes-fail',
        [id],
        (item) => item,
        async (client, _items, _prelude, deferred) => {
          await client.query(`insert into ${schema}.effects values ($1, 'direct')`, [written]);
          await deferred.query(`insert into ${schema}.effects values ($1, 'duplicate')`, [taken]);
        },
      ),
    ).rejects.toThrow(/duplicate key/);
    expect(await effects()).not.toContain(written);
    const redelivered = await inbox.handleBatchOnce(
      'kept-writes-fail',
      [id],
      (item) => item,
      async () => undefined,
    );
    expect(redelivered).toEqual([id]);
  });

  it('prunes ids older than its retention in batches, through its time index, and keeps the recent ones', async () => {
    const consumer = `prune-${randomUUID()}`;
    await pool.query(
      `insert into ${schema}.processed_messages (consumer, message_id, processed_at)
       select $1, 'old-' || i, now() - interval '20 days' + i * interval '1 second' from generate_series(1, 7) i
       union all select $1, 'recent-' || i, now() - interval '2 days' from generate_series(1, 2) i`,
      [consumer],
    );
    const statements: string[] = [];
    const query = pool.query.bind(pool) as (text: string, values: unknown[]) => Promise<unknown>;
    Object.assign(pool, { query: (text: string, values: unknown[]) => (statements.push(text), query(text, values)) });
    let pruned: number;
    try {
      pruned = await inbox.prune(14, 3);
    } finally {
      delete (pool as { query?: unknown }).query;
    }
    expect(pruned).toBe(7);
    // 3 + 3 + 1: a batch short of its size is the last.
    expect(statements.filter((text) => text.startsWith('delete from'))).toHaveLength(3);
    const { rows } = await pool.query<{ message_id: string }>(`select message_id from ${schema}.processed_messages where consumer = $1 order by 1`, [consumer]);
    expect(rows.map((row) => row.message_id)).toEqual(['recent-1', 'recent-2']);
    const { rows: indexes } = await pool.query<{ indexdef: string }>(
      `select indexdef from pg_indexes where schemaname = $1 and tablename = 'processed_messages' and indexdef like '%brin%'`,
      [schema],
    );
    expect(indexes).toHaveLength(1);
  });
});
