import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Pool } from 'pg';
import { uniqueStreamId } from '../event-store.contract';
import { type EventStore, WrongExpectedRevisionError } from '../event-store.port';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import { connectTestPool, dropSchema, uniqueSchemaName } from '../postgres/postgres-test-database';
import { DeciderCommandHandler, type InlineProjection, retryOnConflict, StreamContentionError } from './command-handler';
import type { Decider, DomainEvent } from './decider';

type CounterEvent = DomainEvent<'Added', { n: number }> | DomainEvent<'Noted', { text: string }>;
type CounterCommand = { type: 'Add'; n: number } | { type: 'Note'; text: string } | { type: 'Nothing' };

const counter: Decider<number, CounterCommand, CounterEvent> = {
  initialState: () => 0,
  evolve: (total, event) => (event.type === 'Added' ? total + event.data.n : total),
  decide: (command) => {
    if (command.type === 'Add') return [{ type: 'Added', data: { n: command.n } }];
    if (command.type === 'Note') return [{ type: 'Noted', data: { text: command.text } }];
    return [];
  },
};

describe('DeciderCommandHandler with inline projections (PostgreSQL)', () => {
  jest.setTimeout(30_000);
  const schema = uniqueSchemaName('es_inline');
  let pool: Pool;
  let store: PostgresEventStore;

  /** `<schema>.totals`: one row per stream with the sum of its Added events and the revision it last applied. */
  const totals: InlineProjection<CounterEvent> = {
    canHandle: ['Added'],
    handle: async (events, { client }) => {
      for (const event of events) {
        if (event.type !== 'Added') throw new Error(`projection given ${event.type}, which it does not handle`);
        await client.query(
          `insert into ${schema}.totals (stream_id, total, revision) values ($1, $2, $3)
           on conflict (stream_id) do update set total = totals.total + excluded.total, revision = excluded.revision`,
          [event.streamId, event.data.n, event.streamRevision.toString()],
        );
      }
    },
  };

  const totalOf = async (streamId: string) => {
    const { rows } = await pool.query<{ total: number; revision: string }>(`select total, revision from ${schema}.totals where stream_id = $1`, [streamId]);
    return rows[0] ? { total: rows[0].total, revision: BigInt(rows[0].revision) } : null;
  };

  beforeAll(async () => {
    pool = await connectTestPool();
    store = new PostgresEventStore({ pool, schema });
    await store.migrate();
    await pool.query(`create table ${schema}.totals (stream_id text primary key, total int not null, revision bigint not null)`);
  });

  afterAll(async () => {
    await store?.close();
    if (pool) {
      await dropSchema(pool, schema);
      await pool.end();
    }
  });

  it('writes the read model with the events it appends, so it is current when the command answers', async () => {
    const handler = new DeciderCommandHandler(store, counter, { projections: { inline: [totals] } });
    const streamId = uniqueStreamId('counter');
    await handler.handle(streamId, { type: 'Add', n: 2 }, {});
    const result = await handler.handle(streamId, { type: 'Add', n: 3 }, { workspaceId: 'w1' });
    expect(result).toMatchObject({ state: 5, revision: 1n });
    expect(await totalOf(streamId)).toEqual({ total: 5, revision: 1n });
  });

  it('passes a projection only the event types it handles, and skips it when a command has none', async () => {
    const handler = new DeciderCommandHandler(store, counter, { projections: { inline: [totals] } });
    const streamId = uniqueStreamId('counter');
    await handler.handle(streamId, { type: 'Note', text: 'hello' }, {});
    expect(await totalOf(streamId)).toBeNull();
    await handler.handle(streamId, { type: 'Add', n: 4 }, {});
    expect(await totalOf(streamId)).toEqual({ total: 4, revision: 1n });
    expect(await store.readStream(streamId)).toHaveLength(2);
  });

  it('rolls the append back when a projection fails: neither the events nor the rows are stored', async () => {
    const failing: InlineProjection<CounterEvent> = {
      handle: async (events, { client }) => {
        await totals.handle(events, { client });
        throw new Error('read model refused');
      },
    };
    const handler = new DeciderCommandHandler(store, counter, { projections: { inline: [failing] } });
    const streamId = uniqueStreamId('counter');
    await expect(handler.handle(streamId, { type: 'Add', n: 1 }, {})).rejects.toThrow('read model refused');
    expect(await store.readStream(streamId)).toEqual([]);
    expect(await totalOf(streamId)).toBeNull();
  });

  it('decides concurrent commands again on fresh state: every event is appended and projected exactly once', async () => {
    const handler = new DeciderCommandHandler(store, counter, { projections: { inline: [totals] }, maxAttempts: 50 });
    const streamId = uniqueStreamId('counter');
    const results = await Promise.all(Array.from({ length: 8 }, () => handler.handle(streamId, { type: 'Add', n: 1 }, {})));
    expect(results.map((r) => r.revision).sort((a, b) => Number(a - b))).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n]);
    expect(await totalOf(streamId)).toEqual({ total: 8, revision: 7n });
  });

  it('appends and projects in the caller transaction, deciding on what that transaction reads', async () => {
    const handler = new DeciderCommandHandler(store, counter, { projections: { inline: [totals] } });
    const streamId = uniqueStreamId('counter');
    await store.withTransaction(async (tx) => {
      await handler.handleIn(tx, streamId, { type: 'Add', n: 2 }, {});
      const second = await handler.handleIn(tx, streamId, { type: 'Add', n: 5 }, {});
      expect(second).toMatchObject({ state: 7, revision: 1n });
    });
    expect(await totalOf(streamId)).toEqual({ total: 7, revision: 1n });
  });

  it('returns the state read when a command decides nothing, and writes nothing', async () => {
    const handler = new DeciderCommandHandler(store, counter, { projections: { inline: [totals] } });
    const streamId = uniqueStreamId('counter');
    await expect(handler.handle(streamId, { type: 'Nothing' }, {})).resolves.toEqual({ state: 0, newEvents: [], revision: -1n });
    expect(await store.readStream(streamId)).toEqual([]);
  });
});

describe('the command retry policy', () => {
  it('retries an attempt that lost the race and gives up with StreamContentionError after the last', async () => {
    let attempts = 0;
    const conflict = () => {
      attempts++;
      return Promise.reject(new WrongExpectedRevisionError('s-1', 0n, 1n));
    };
    const failure = await retryOnConflict('s-1', conflict, 3).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StreamContentionError);
    expect(failure).toMatchObject({ streamId: 's-1', attempts: 3, code: 'unavailable' });
    expect(attempts).toBe(3);
    await expect(retryOnConflict('s-1', async (n) => (n < 2 ? conflict() : 'done'), 3)).resolves.toBe('done');
  });

  it('passes any other failure through at once', async () => {
    let attempts = 0;
    const broken = retryOnConflict('s-1', () => {
      attempts++;
      return Promise.reject(new Error('boom'));
    });
    await expect(broken).rejects.toThrow('boom');
    expect(attempts).toBe(1);
  });

  it('refuses inline projections on a store without transactions (KurrentDB)', () => {
    const withoutTransactions = { readStream: async () => [], appendToStream: async () => ({}) } as unknown as EventStore;
    const inline = [{ handle: async () => undefined }];
    expect(() => new DeciderCommandHandler(withoutTransactions, counter, { projections: { inline } })).toThrow(/transactions/);
    expect(() => new DeciderCommandHandler(withoutTransactions, counter)).not.toThrow();
  });
});
