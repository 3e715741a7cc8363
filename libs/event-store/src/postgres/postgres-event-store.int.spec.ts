import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Client, type Pool } from 'pg';
import { describeEventStoreContract, eventsOf, markPosition, readAllOf, uniqueStreamId, waitFor } from '../event-store.contract';
import { DuplicateEventIdError, START_POSITION, comparePositions } from '../event-store.port';
import { PostgresEventStore } from './postgres-event-store';
import { closedLoopbackPort } from '../closed-loopback-port';
import { connectTestPool, dropSchema, testDatabaseUrl, uniqueSchemaName } from './postgres-test-database';
import { watchConnections } from '@pushmfa/testing';

const schema = uniqueSchemaName('es_contract');

describeEventStoreContract('PostgreSQL', async () => {
  const pool = await connectTestPool();
  const store = new PostgresEventStore({ pool, schema });
  await store.migrate();
  const deadPort = await closedLoopbackPort();
  return {
    store,
    createUnreachableStore: () =>
      new PostgresEventStore({
        connectionString: `postgres://postgres@127.0.0.1:${deadPort}/postgres`,
        poolConfig: { connectionTimeoutMillis: 1_000 },
        schema,
      }),
    dispose: async () => {
      await store.close();
      await dropSchema(pool, schema);
      await pool.end();
    },
  };
});

describe('PostgresEventStore specifics', () => {
  jest.setTimeout(30_000);
  const ownSchema = uniqueSchemaName('es_pg');
  let pool: Pool;
  let store: PostgresEventStore;

  beforeAll(async () => {
    pool = await connectTestPool();
    store = new PostgresEventStore({ pool, schema: ownSchema });
  });

  afterAll(async () => {
    await store?.close();
    if (pool) {
      await dropSchema(pool, ownSchema);
      await pool.end();
    }
  });

  it('migrates idempotently when several instances migrate at once', async () => {
    const instances = Array.from({ length: 4 }, () => new PostgresEventStore({ pool, schema: ownSchema }));
    await Promise.all(instances.map((instance) => instance.migrate()));
    await store.migrate();
    await expect(store.ping()).resolves.toBe(true);
  });

  it('never lets a reader pass an event held in a slower, still-open transaction', async () => {
    const { position: start } = await store.appendToStream(uniqueStreamId('before'), eventsOf(1), 'no_stream');
    const slowStream = uniqueStreamId('slow');
    const fastStream = uniqueStreamId('fast');
    const streams = new Set([slowStream, fastStream]);
    let releaseSlow!: () => void;
    const slowMayCommit = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    let slowAppended!: () => void;
    const slowHasAppended = new Promise<void>((resolve) => {
      slowAppended = resolve;
    });

    const slow = store.withTransaction(async (transaction) => {
      await transaction.appendToStream(slowStream, eventsOf(1), 'no_stream');
      slowAppended();
      await slowMayCommit;
    });
    await slowHasAppended;
    await store.appendToStream(fastStream, eventsOf(1), 'no_stream');

    const whileHeld = (await store.readAll(start)).filter((event) => streams.has(event.streamId));
    expect(whileHeld).toEqual([]);
    expect(await store.readStream(fastStream)).toHaveLength(1);

    releaseSlow();
    await slow;
    const afterCommit = await readAllOf(store, start, streams, 2);
    expect(afterCommit.map((event) => event.streamId)).toEqual([slowStream, fastStream]);
    expect(comparePositions(afterCommit[0]!.position, afterCommit[1]!.position)).toBeLessThan(0);
  });

  it('is not held back by a write transaction left open in another database of the same server', async () => {
    const otherDatabase = uniqueSchemaName('es_elsewhere');
    await pool.query(`CREATE DATABASE ${otherDatabase}`);
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${otherDatabase}`;
    const elsewhere = new Client({ connectionString: url.toString() });
    await elsewhere.connect();
    try {
      const { position: start } = await store.appendToStream(uniqueStreamId('before-bulk'), eventsOf(1), 'no_stream');
      // A bulk load elsewhere: it holds a transaction id and does not end while we read.
      await elsewhere.query('BEGIN');
      await elsewhere.query('SELECT pg_current_xact_id()');
      const stream = uniqueStreamId('during-bulk');
      await store.appendToStream(stream, eventsOf(1), 'no_stream');
      const read = (await store.readAll(start)).filter((event) => event.streamId === stream);
      expect(read).toHaveLength(1);
    } finally {
      await elsewhere.query('ROLLBACK').catch(() => undefined);
      await elsewhere.end();
      await pool.query(`DROP DATABASE IF EXISTS ${otherDatabase} WITH (FORCE)`);
    }
  });

  it('writes events and a checkpoint in one transaction, or neither', async () => {
    const committedStream = uniqueStreamId('tx');
    await store.withTransaction(async (transaction) => {
      const result = await transaction.appendToStream(committedStream, eventsOf(2), 'no_stream');
      await transaction.storeCheckpoint('projection-tx', result.position);
    });
    const committed = await store.readStream(committedStream);
    expect(await store.readCheckpoint('projection-tx')).toEqual(committed[1]!.position);

    const rolledBackStream = uniqueStreamId('tx-rollback');
    await expect(
      store.withTransaction(async (transaction) => {
        await transaction.appendToStream(rolledBackStream, eventsOf(1), 'no_stream');
        await transaction.storeCheckpoint('projection-rollback', START_POSITION);
        throw new Error('projection failed');
      }),
    ).rejects.toThrow('projection failed');
    expect(await store.readStream(rolledBackStream)).toEqual([]);
    expect(await store.readCheckpoint('projection-rollback')).toBeNull();
  });

  it("sends BEGIN with the first statement of a transaction, and its results are the statement's own", async () => {
    const seen = await store.withTransaction(async ({ client }) => {
      const first = await client.query<{ tx: string }>('select txid_current()::text as tx');
      const both = (await client.query('select 1 as one; select 2 as two')) as unknown as Array<{ rows: unknown[] }>;
      const second = await client.query<{ tx: string }>('select txid_current()::text as tx');
      return { first: first.rows[0]!.tx, second: second.rows[0]!.tx, both: both.map((r) => r.rows) };
    });
    // One transaction: both reads saw the same transaction id.
    expect(seen.first).toBe(seen.second);
    expect(seen.both).toEqual([[{ one: 1 }], [{ two: 2 }]]);

    const table = `${ownSchema}.lazy_begin_probe`;
    await pool.query(`create table if not exists ${table} (id int)`);
    await expect(
      store.withTransaction(async ({ client }) => {
        await client.query(`insert into ${table} values (1)`);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const parameterised = await store.withTransaction(async ({ client }) => {
      await client.query(`insert into ${table} values ($1)`, [2]);
      return (await client.query<{ n: string }>(`select count(*)::text as n from ${table}`)).rows[0]!.n;
    });
    expect(parameterised).toBe('1');
    expect((await pool.query(`select id from ${table}`)).rows).toEqual([{ id: 2 }]);
  });

  it('sends deferred writes with COMMIT in one message, and a failing one keeps nothing of the transaction', async () => {
    const table = `${ownSchema}.deferred_probe`;
    await pool.query(`create table if not exists ${table} (id int primary key, note text, doc jsonb, at timestamptz)`);
    await store.migrate();
    // What each connection the store takes sends, by text.
    const { sent, restore } = watchConnections(pool);
    try {
      const stream = uniqueStreamId('deferred');
      const at = new Date('2026-12-06T10:00:00.000Z');
      await store.withTransaction(async (transaction) => {
        await transaction.appendToStream(stream, eventsOf(1), 'no_stream');
        const kept = await transaction.deferred.query(`insert into ${table} values ($1, $2, $3, $4)`, [1, "it's \\ here", JSON.stringify({ a: 'b' }), at]);
        expect(kept.rows).toEqual([]);
        await transaction.deferred.query({ text: `insert into ${table} values ($1, $2, null, null)`, values: [2, null] });
      });
      expect(await store.readStream(stream)).toHaveLength(1);
      expect((await pool.query(`select id, note, doc, at from ${table} order by id`)).rows).toEqual([
        { id: 1, note: "it's \\ here", doc: { a: 'b' }, at },
        { id: 2, note: null, doc: null, at: null },
      ]);
      // BEGIN, the append, then one message with both writes and COMMIT: no COMMIT on its own. Each write is a
      // statement the connection prepares (in front, the first time) and executes by name with its values.
      expect(sent).toHaveLength(3);
      expect(sent[2]).toMatch(
        new RegExp(
          `^PREPARE (\\S+) AS insert into ${table} values \\(\\$1, \\$2, \\$3, \\$4\\);\\nPREPARE (\\S+) AS insert into ${table} values \\(\\$1, \\$2, null, null\\);\\n` +
            `EXECUTE \\1\\('1', .*\\);\\nEXECUTE \\2\\('2', NULL\\);\\nCOMMIT$`,
          's',
        ),
      );

      // A kept write that fails (a duplicate key) fails the commit: the append is not kept either.
      const refused = uniqueStreamId('deferred-refused');
      await expect(
        store.withTransaction(async (transaction) => {
          await transaction.appendToStream(refused, eventsOf(1), 'no_stream');
          await transaction.deferred.query(`insert into ${table} values ($1, 'again', null, null)`, [1]);
        }),
      ).rejects.toThrow();
      expect(await store.readStream(refused)).toEqual([]);

      // Kept writes alone: BEGIN goes in the same message; the connection is clean for the next transaction.
      sent.length = 0;
      await store.withTransaction(async ({ deferred }) => {
        await deferred.query(`insert into ${table} values ($1, 'alone', null, null)`, [3]);
      });
      expect(sent).toEqual([expect.stringMatching(/^BEGIN;\n.*;\nCOMMIT$/s)]);
      expect((await pool.query(`select count(*)::int as n from ${table}`)).rows[0]).toEqual({ n: 3 });
    } finally {
      restore();
    }
  });

  it('appends at commit in the COMMIT message, and fails the whole transaction when another writer appended first', async () => {
    const table = `${ownSchema}.at_commit_probe`;
    await pool.query(`create table if not exists ${table} (id text primary key)`);
    const stream = uniqueStreamId('at-commit');
    await store.appendToStream(stream, eventsOf(1), 'no_stream');
    const { sent, restore } = watchConnections(pool);
    try {
      const answered = await store.withTransaction(async (transaction) => {
        const read = await transaction.readStreamAfter([], stream);
        const appended = transaction.appendAtCommit(stream, eventsOf(2), read.events.at(-1)!.streamRevision);
        await transaction.deferred.query(`insert into ${table} values ($1)`, [stream]);
        return appended;
      });
      expect(answered).toEqual({ nextExpectedRevision: 2n });
      // The read (with BEGIN), then the append, the kept write and COMMIT in one message.
      expect(sent).toHaveLength(2);
      expect(sent[1]).toMatch(
        /^PREPARE (\S+) AS\s+WITH stream AS \(UPDATE .*expect_appended[^;]*;\nPREPARE (\S+) AS insert into \S+at_commit_probe values \(\$1\);\nEXECUTE \1\(.*\);\nEXECUTE \2\('at-commit-[^;]*\);\nCOMMIT$/s,
      );
      expect((await store.readStream(stream)).map((event) => event.streamRevision)).toEqual([0n, 1n, 2n]);
    } finally {
      restore();
    }

    // Decided on revision 2, but another writer appends revision 3 before the COMMIT: nothing of the transaction stays.
    const raced = store.withTransaction(async (transaction) => {
      transaction.appendAtCommit(stream, eventsOf(1), 2n);
      await transaction.deferred.query(`insert into ${table} values ($1)`, [`${stream}-raced`]);
      await store.appendToStream(stream, eventsOf(1), 2n);
    });
    await expect(raced).rejects.toEqual(expect.objectContaining({ name: 'WrongExpectedRevisionError', streamId: stream, expected: 2n }));
    expect(await store.readStream(stream)).toHaveLength(4);
    expect((await pool.query(`select id from ${table} where id = $1`, [`${stream}-raced`])).rows).toEqual([]);

    // An event id already stored (here in another stream) fails the commit as DuplicateEventIdError, keeping nothing.
    const stored = (await store.readStream(stream))[0]!;
    const fresh = uniqueStreamId('at-commit-duplicate');
    const duplicate = store.withTransaction(async (transaction) => {
      transaction.appendToNewStreamsAtCommit([{ streamId: fresh, events: [{ id: stored.id, type: 'ThingHappened', data: {} }] }]);
      await transaction.deferred.query(`insert into ${table} values ($1)`, [fresh]);
    });
    await expect(duplicate).rejects.toBeInstanceOf(DuplicateEventIdError);
    expect(await store.readStream(fresh)).toEqual([]);
    expect((await pool.query(`select id from ${table} where id = $1`, [fresh])).rows).toEqual([]);
  });

  it('reads a stream after given statements in one message that begins the transaction, under what they lock', async () => {
    const stream = uniqueStreamId('read-after');
    await store.appendToStream(stream, eventsOf(3), 'no_stream');
    const { sent, restore } = watchConnections(pool);
    try {
      const read = await store.withTransaction(async (transaction) => {
        const after = await transaction.readStreamAfter([`select pg_advisory_xact_lock(4242)`, `select txid_current()::text as tx`], stream);
        const later = await transaction.client.query(`select txid_current()::text as tx`);
        return { ...after, later: later.rows };
      });
      // BEGIN, the statements and the read in one message, answered in order; the statements ran in the transaction.
      // The read is a prepared statement: PREPAREd after BEGIN (on this connection's first read) and executed by name.
      expect(sent[0]).toMatch(
        /^BEGIN;\n(PREPARE (\S+) AS SELECT [^;]* FROM \S+\.events\s+WHERE stream_id = \$1[^;]*;\n)?select pg_advisory_xact_lock\(4242\);\nselect txid_current\(\)[^;]*;\nEXECUTE \S+\('read-after-[^;]*\)$/s,
      );
      expect(read.results.map((r) => Object.keys(r.rows[0] ?? {}))).toEqual([['pg_advisory_xact_lock'], ['tx']]);
      expect(read.results[1]!.rows).toEqual(read.later);
      expect(read.events).toEqual(await store.readStream(stream));
      // Without statements: the read alone; a stream that does not exist reads empty.
      const empty = await store.withTransaction((transaction) => transaction.readStreamAfter([], uniqueStreamId('none')));
      expect(empty).toEqual({ results: [], events: [] });
    } finally {
      restore();
    }
  });

  it('reads many streams after given statements in one message (group commit of commands on existing streams)', async () => {
    const streams = [uniqueStreamId('reads-a'), uniqueStreamId('reads-b'), uniqueStreamId('reads-none')];
    await store.appendToStream(streams[0]!, eventsOf(2), 'no_stream');
    await store.appendToStream(streams[1]!, eventsOf(1), 'no_stream');
    const { sent, restore } = watchConnections(pool);
    try {
      const read = await store.withTransaction((transaction) => transaction.readStreamsAfter([`select pg_advisory_xact_lock(4243)`], streams));
      // BEGIN, the lock and the three reads in one message; each stream's events in the order of the ids given.
      expect(sent).toHaveLength(2);
      expect(sent[0]).toMatch(
        /^BEGIN;\n(PREPARE [^;]*;\n)?select pg_advisory_xact_lock\(4243\);\nEXECUTE [^;]*reads-a-[^;]*;\nEXECUTE [^;]*reads-b-[^;]*;\nEXECUTE [^;]*reads-none-[^;]*\)$/s,
      );
      expect(read.results.map((r) => Object.keys(r.rows[0] ?? {}))).toEqual([['pg_advisory_xact_lock']]);
      expect(read.events).toEqual([await store.readStream(streams[0]!), await store.readStream(streams[1]!), []]);
      expect(read.events.map((events) => events.length)).toEqual([2, 1, 0]);
    } finally {
      restore();
    }
  });

  it('starts many new streams in one statement (group commit), in the order given, or refuses one that exists', async () => {
    const { position: start } = await store.appendToStream(uniqueStreamId('before-group'), eventsOf(1), 'no_stream');
    const streams = [uniqueStreamId('group-a'), uniqueStreamId('group-b'), uniqueStreamId('group-c')];
    const results = await store.withTransaction((transaction) =>
      transaction.appendToNewStreams(streams.map((streamId, i) => ({ streamId, events: eventsOf(i + 1) }))),
    );
    expect(results.map((r) => r.nextExpectedRevision)).toEqual([0n, 1n, 2n]);
    for (const [i, streamId] of streams.entries()) {
      const read = await store.readStream(streamId);
      expect(read.map((e) => e.streamRevision)).toEqual(Array.from({ length: i + 1 }, (_, r) => BigInt(r)));
    }
    const all = await readAllOf(store, start, new Set(streams), 6);
    expect(all.map((e) => e.streamId)).toEqual([streams[0], streams[1], streams[1], streams[2], streams[2], streams[2]]);
    // The next append to one of them names the revision the group append answered.
    await store.appendToStream(streams[0]!, eventsOf(1), results[0]!.nextExpectedRevision);

    // One stream of the group already exists: the call throws and the caller's transaction keeps nothing.
    const fresh = uniqueStreamId('group-fresh');
    await expect(
      store.withTransaction((transaction) =>
        transaction.appendToNewStreams([
          { streamId: fresh, events: eventsOf(1) },
          { streamId: streams[1]!, events: eventsOf(1) },
        ]),
      ),
    ).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', streamId: streams[1] });
    expect(await store.readStream(fresh)).toEqual([]);
    expect(await store.readStream(streams[1]!)).toHaveLength(2);
  });

  it('starts new streams with COMMIT in one message, or, when one exists by then, keeps nothing of the transaction', async () => {
    const table = `${ownSchema}.new_at_commit_probe`;
    await pool.query(`create table if not exists ${table} (id text primary key)`);
    const streams = [uniqueStreamId('new-at-commit-a'), uniqueStreamId('new-at-commit-b')];
    const { sent, restore } = watchConnections(pool);
    try {
      await store.withTransaction(async (transaction) => {
        transaction.appendToNewStreamsAtCommit(streams.map((streamId, i) => ({ streamId, events: eventsOf(i + 1) })));
        await transaction.deferred.query(`insert into ${table} values ($1)`, [streams[0]]);
      });
      // BEGIN, the streams, the kept write and COMMIT: one message.
      expect(sent).toEqual([
        expect.stringMatching(
          /^BEGIN;\n(PREPARE (\S+) AS\s+WITH input AS [^;]*expect_appended[^;]*;\n)?PREPARE (\S+) AS insert into \S+new_at_commit_probe values \(\$1\);\nEXECUTE \S+\('\[.*\]', '[^']+'\);\nEXECUTE \3\('new-at-commit-[^;]*\);\nCOMMIT$/s,
        ),
      ]);
    } finally {
      restore();
    }
    expect((await store.readStream(streams[1]!)).map((event) => event.streamRevision)).toEqual([0n, 1n]);

    // The second stream is started by another writer before this transaction's COMMIT: none of it is kept.
    const fresh = uniqueStreamId('new-at-commit-fresh');
    const taken = uniqueStreamId('new-at-commit-taken');
    const raced = store.withTransaction(async (transaction) => {
      transaction.appendToNewStreamsAtCommit([
        { streamId: fresh, events: eventsOf(1) },
        { streamId: taken, events: eventsOf(1) },
      ]);
      await transaction.deferred.query(`insert into ${table} values ($1)`, [fresh]);
      await store.appendToStream(taken, eventsOf(2), 'no_stream');
    });
    await expect(raced).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', streamId: taken, expected: 'no_stream' });
    expect(await store.readStream(fresh)).toEqual([]);
    expect(await store.readStream(taken)).toHaveLength(2);
    expect((await pool.query(`select id from ${table} where id = $1`, [fresh])).rows).toEqual([]);
  });

  it('rejects an event id already stored in another stream, writing nothing', async () => {
    const events = eventsOf(1);
    await store.appendToStream(uniqueStreamId('first'), events, 'no_stream');
    const second = uniqueStreamId('second');

    await expect(store.appendToStream(second, [...eventsOf(1), ...events], 'no_stream')).rejects.toBeInstanceOf(DuplicateEventIdError);
    expect(await store.readStream(second)).toEqual([]);
    await expect(store.appendToStream(second, eventsOf(1), 'no_stream')).resolves.toMatchObject({ nextExpectedRevision: 0n });
  });

  it('says when committed events wait behind another transaction of the database, and a subscription reads them soon after it ends, not a poll interval later', async () => {
    // Polls far apart: only the re-reads of held-back events can deliver within the deadline below.
    const quiet = new PostgresEventStore({ pool, schema: ownSchema, pollIntervalMs: 10_000 });
    await quiet.migrate();
    const start = await markPosition(quiet);
    const subscriptionId = `held-${uniqueStreamId('back')}`;
    await quiet.storeCheckpoint(subscriptionId, start);
    const streamId = uniqueStreamId('held');
    const handled: string[] = [];
    const subscription = await quiet.subscribeToAll({
      subscriptionId,
      handle: async (batch) => {
        handled.push(...batch.filter((event) => event.streamId === streamId).map((event) => event.id));
      },
    });
    // Another service's write transaction in the same database: it holds a transaction id and commits later, and its
    // commit notifies nobody.
    const other = await pool.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_current_xact_id()');
      await quiet.appendToStream(streamId, eventsOf(1), 'no_stream');
      const held = await quiet.readAllPage(start);
      expect(held.heldBack).toBe(true);
      expect(held.events.filter((event) => event.streamId === streamId)).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(handled).toEqual([]);

      await other.query('COMMIT');
      const released = await quiet.readAllPage(start);
      expect(released.heldBack).toBe(false);
      expect(released.events.filter((event) => event.streamId === streamId)).toHaveLength(1);
      const deadline = Date.now() + 5_000;
      while (handled.length < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(handled).toHaveLength(1);
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      other.release();
      await subscription.stop();
      await quiet.close();
    }
  });

  it('reads once per notified batch: no empty read after a batch when nothing was appended since', async () => {
    // Polls far apart, so every read here is one a notification or a batch asked for.
    const quiet = new PostgresEventStore({ pool, schema: ownSchema, pollIntervalMs: 10_000 });
    await quiet.migrate();
    const subscriptionId = `reads-${uniqueStreamId('batch')}`;
    await quiet.storeCheckpoint(subscriptionId, await markPosition(quiet));
    const streamId = uniqueStreamId('counted');
    const handled: string[] = [];
    const reads = jest.spyOn(quiet, 'readAllPage');
    const subscription = await quiet.subscribeToAll({
      subscriptionId,
      handle: async (batch) => {
        handled.push(...batch.filter((event) => event.streamId === streamId).map((event) => event.id));
      },
    });
    try {
      const deadline = Date.now() + 5_000;
      while (reads.mock.calls.length < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const before = reads.mock.calls.length;
      await quiet.appendToStream(streamId, eventsOf(2), 'no_stream');
      while (handled.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(handled).toHaveLength(2);
      expect(reads.mock.calls.length - before).toBe(1);
      expect(await quiet.readCheckpoint(subscriptionId)).not.toBeNull();
    } finally {
      await subscription.stop();
      await quiet.close();
    }
  });

  it('with a checkpoint interval, stores the checkpoint once per interval under load, and what is left at stop', async () => {
    const store = new PostgresEventStore({ pool, schema: ownSchema, pollIntervalMs: 50 });
    await store.migrate();
    const subscriptionId = `interval-${uniqueStreamId('stop')}`;
    await store.storeCheckpoint(subscriptionId, await markPosition(store));
    const streamId = uniqueStreamId('deferred');
    const handled: Array<{ id: string; position: unknown }> = [];
    const stores = jest.spyOn(store, 'storeCheckpoint');
    const subscription = await store.subscribeToAll({
      subscriptionId,
      checkpointIntervalMs: 60_000,
      handle: async (batch) => {
        handled.push(...batch.filter((event) => event.streamId === streamId).map((event) => ({ id: event.id, position: event.position })));
      },
    });
    try {
      for (let i = 0; i < 3; i += 1) {
        await store.appendToStream(streamId, eventsOf(1), i === 0 ? 'no_stream' : BigInt(i - 1));
        await waitFor(`batch ${i + 1} handled`, () => handled.length === i + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Three batches, one store: the first (nothing was stored before it); the next two wait for the interval.
      expect(stores).toHaveBeenCalledTimes(1);
      expect(await store.readCheckpoint(subscriptionId)).toEqual(handled[0]!.position);
    } finally {
      await subscription.stop();
    }
    expect(stores).toHaveBeenCalledTimes(2);
    expect(await store.readCheckpoint(subscriptionId)).toEqual(handled[2]!.position);
  });

  it('with a checkpoint interval, stores the checkpoint of a log gone quiet at its next empty read once the interval has passed', async () => {
    const store = new PostgresEventStore({ pool, schema: ownSchema, pollIntervalMs: 50 });
    await store.migrate();
    const subscriptionId = `interval-${uniqueStreamId('quiet')}`;
    await store.storeCheckpoint(subscriptionId, await markPosition(store));
    const streamId = uniqueStreamId('quiet');
    const handled: unknown[] = [];
    const subscription = await store.subscribeToAll({
      subscriptionId,
      checkpointIntervalMs: 300,
      handle: async (batch) => {
        handled.push(...batch.filter((event) => event.streamId === streamId).map((event) => event.position));
      },
    });
    try {
      await store.appendToStream(streamId, eventsOf(1), 'no_stream');
      await waitFor('the first event handled', () => handled.length === 1);
      await store.appendToStream(streamId, eventsOf(1), 0n);
      await waitFor('the second event handled', () => handled.length === 2);
      // No stop, no further append: the deferred store comes with a poll.
      let stored: unknown = null;
      await waitFor(
        'the checkpoint stored',
        async () => comparePositions((stored = await store.readCheckpoint(subscriptionId)) as never, handled[1] as never) === 0,
      );
      expect(stored).toEqual(handled[1]);
    } finally {
      await subscription.stop();
    }
  });

  it('with gathering, reads the first event after a quiet spell at once and what follows within the interval in one batch', async () => {
    const store = new PostgresEventStore({ pool, schema: ownSchema, pollIntervalMs: 50 });
    await store.migrate();
    const subscriptionId = `gather-${uniqueStreamId('batches')}`;
    await store.storeCheckpoint(subscriptionId, await markPosition(store));
    const streamId = uniqueStreamId('gathered');
    const batches: number[][] = [];
    const subscription = await store.subscribeToAll({
      subscriptionId,
      gatherMs: 400,
      handle: async (batch) => {
        const ours = batch.filter((event) => event.streamId === streamId).map((event) => Number(event.streamRevision));
        if (ours.length > 0) batches.push(ours);
      },
    });
    try {
      await store.appendToStream(streamId, eventsOf(1), 'no_stream');
      await waitFor('the first event handled', () => batches.length === 1);
      // Three transactions, 30 ms apart, each notifying: without gathering, each is read and handed over on its own.
      for (let revision = 1; revision <= 3; revision += 1) {
        await store.appendToStream(streamId, eventsOf(1), BigInt(revision - 1));
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      await waitFor('all four handled', () => batches.flat().length === 4);
      expect(batches).toEqual([[0], [1, 2, 3]]);
    } finally {
      await subscription.stop();
    }
  });

  it('reads pages in transaction id order, numerically, when the ids gain a digit', async () => {
    // Transaction 99 committed before 100: sorted as text, "100" comes first, a page cut at two would hold 100's
    // events, and a subscription would move past 99's without ever reading them.
    const digitSchema = uniqueSchemaName('es_order');
    const ordered = new PostgresEventStore({ pool, schema: digitSchema, pollIntervalMs: 50 });
    await ordered.migrate();
    try {
      await pool.query(
        `insert into ${digitSchema}.events (transaction_id, event_id, stream_id, stream_revision, type, data)
         values ('99', gen_random_uuid(), 'older', 0, 'T', '{}'), ('99', gen_random_uuid(), 'older', 1, 'T', '{}'),
                ('100', gen_random_uuid(), 'newer', 0, 'T', '{}'), ('100', gen_random_uuid(), 'newer', 1, 'T', '{}')`,
      );
      expect((await ordered.readAll(START_POSITION, { maxCount: 2 })).map((event) => event.streamId)).toEqual(['older', 'older']);
      expect((await ordered.readAllPage(START_POSITION, { maxCount: 2 })).events.map((event) => event.streamId)).toEqual(['older', 'older']);

      const handled: string[] = [];
      const subscription = await ordered.subscribeToAll({
        subscriptionId: 'digits',
        batchSize: 2,
        handle: async (batch) => {
          handled.push(...batch.map((event) => `${event.streamId}/${event.streamRevision}`));
        },
      });
      try {
        await waitFor('four events handled', () => handled.length >= 4);
        expect(handled).toEqual(['older/0', 'older/1', 'newer/0', 'newer/1']);
      } finally {
        await subscription.stop();
      }
    } finally {
      await ordered.close();
      await dropSchema(pool, digitSchema);
    }
  });

  it("reads a subscription's pages with one plan per connection, along the commit-order index even while the table is small", async () => {
    // Planned per call, a page read cost several times the read (the plan cache kept choosing custom plans). A
    // generic plan made while the table is small would scan it whole, and keep doing so as it grows. auto_explain
    // shows the plan each read ran: a custom plan carries the position as constants, the generic one as parameters.
    const onePool = await connectTestPool(1);
    const plans: string[] = [];
    const planned = new PostgresEventStore({ pool: onePool, schema: ownSchema });
    try {
      await planned.migrate();
      const connection = await onePool.connect();
      connection.on('notice', (notice) => plans.push(notice.message ?? ''));
      await connection.query(
        `LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on; SET client_min_messages = log`,
      );
      connection.release();
      const { position } = await store.appendToStream(uniqueStreamId('planned'), eventsOf(2), 'no_stream');
      const before = { major: position.major - 1n, minor: 0n };
      for (let read = 0; read < 8; read++) {
        expect((await planned.readAllPage(before)).events.map((event) => event.id)).toEqual((await planned.readAll(before)).map((event) => event.id));
      }
      const pagePlans = plans.filter((plan) => plan.includes(`${ownSchema}.events ev`) && plan.includes('LATERAL'));
      expect(pagePlans).toHaveLength(8);
      for (const plan of pagePlans) {
        expect(plan).toMatch(/ROW\(\$1, \$2\)/);
        expect(plan).toMatch(/Index Scan using events_commit_order on events ev/);
        expect(plan).not.toMatch(/Seq Scan on events|Bitmap Heap Scan on events/);
      }
    } finally {
      await onePool.query('SET client_min_messages = notice').catch(() => undefined);
      await planned.close();
      await onePool.end();
    }
  });

  it('keeps one active consumer per subscription id across instances', async () => {
    const other = new PostgresEventStore({ pool, schema: ownSchema });
    const subscriptionId = `single-${uniqueStreamId('consumer')}`;
    await store.storeCheckpoint(subscriptionId, await markPosition(store));
    const streamId = uniqueStreamId('exclusive');
    const byFirst: string[] = [];
    const bySecond: string[] = [];
    const first = await store.subscribeToAll({
      subscriptionId,
      handle: async (batch) => {
        byFirst.push(...batch.filter((event) => event.streamId === streamId).map((event) => event.id));
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await other.subscribeToAll({
      subscriptionId,
      handle: async (batch) => {
        bySecond.push(...batch.filter((event) => event.streamId === streamId).map((event) => event.id));
      },
    });
    await store.appendToStream(streamId, eventsOf(3), 'no_stream');
    const deadline = Date.now() + 5_000;
    while (byFirst.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(byFirst).toHaveLength(3);
    expect(bySecond).toEqual([]);

    await first.stop();
    await store.appendToStream(streamId, eventsOf(1), 2n);
    while (bySecond.length < 1 && Date.now() < deadline + 5_000) await new Promise((resolve) => setTimeout(resolve, 10));
    await second.stop();
    expect(bySecond).toHaveLength(1);
  });
});
