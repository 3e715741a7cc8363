import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Pool } from 'pg';
import { eventsOf, uniqueStreamId, waitFor } from '../event-store.contract';
import { EventStoreUnavailableError, type RecordedEvent } from '../event-store.port';
import { guardPoolConnections } from '@pushmfa/postgres';
import { PostgresEventStore } from './postgres-event-store';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../../testing/src/throwaway/throwaway-postgres';
import { connectTestPool, testDatabaseUrl, uniqueSchemaName } from './postgres-test-database';

/** Ends every backend of `applicationName` from outside, as a database restart or failover would. */
async function terminateBackends(admin: Pool, applicationName: string): Promise<number> {
  const { rowCount } = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()', [
    applicationName,
  ]);
  return rowCount ?? 0;
}

describe('a lost PostgreSQL connection', () => {
  jest.setTimeout(60_000);
  let admin: Pool;

  beforeAll(async () => {
    admin = await connectTestPool(2);
  });

  afterAll(async () => {
    await admin?.end();
  });

  it('fails the checked-out client’s query, reports the error and is dropped by the pool, without an unhandled error', async () => {
    const applicationName = `guard-${uniqueSchemaName('t')}`;
    const reported: string[] = [];
    const pool = guardPoolConnections(new Pool({ connectionString: testDatabaseUrl(), max: 2, application_name: applicationName }), (error) =>
      reported.push(error.message),
    );
    try {
      const client = await pool.connect();
      // Checked out and idle inside a transaction: pg-pool has no listener on it now.
      await client.query('begin');
      expect(await terminateBackends(admin, applicationName)).toBe(1);
      await waitFor('the lost connection to be reported', () => reported.length > 0);
      await expect(client.query('select 1')).rejects.toThrow();
      client.release();
      expect(pool.totalCount).toBe(0);
      // The pool connects anew for the next query.
      await expect(pool.query('select 1 as one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
      expect(reported.join(' ')).toMatch(/terminat/i);
    } finally {
      await pool.end();
    }
  });

  it('makes a subscription unhealthy until it has listened and locked again, then it delivers what was appended meanwhile', async () => {
    // A PostgreSQL of its own: the global log is read only below the oldest transaction running anywhere in the
    // cluster (pg_snapshot_xmin), and other test files' long transactions on the shared one would hold it back.
    const own: ThrowawayPostgres = await startThrowawayPostgres('loss');
    await own.createDatabase('loss');
    const ownAdmin = new Pool({ connectionString: own.url('loss'), max: 2 });
    const applicationName = `sub-${uniqueSchemaName('t')}`;
    const schema = uniqueSchemaName('es_loss');
    const pool = guardPoolConnections(new Pool({ connectionString: own.url('loss'), max: 4, application_name: applicationName }));
    const store = new PostgresEventStore({ pool, schema, pollIntervalMs: 10_000 });
    const seen: RecordedEvent[] = [];
    const errors: unknown[] = [];
    try {
      await store.migrate();
      const streamId = uniqueStreamId('loss');
      const subscription = await store.subscribeToAll({
        subscriptionId: 'loss',
        handle: async (events) => void seen.push(...events.filter((event) => event.streamId === streamId)),
        onError: (error) => errors.push(error),
        minRetryDelayMs: 50,
      });
      await waitFor('the subscription to be healthy', () => subscription.isHealthy?.() === true);
      await store.appendToStream(streamId, eventsOf(1), 'no_stream');
      await waitFor('the first event', () => seen.length === 1);

      expect(await terminateBackends(ownAdmin, applicationName)).toBeGreaterThan(0);
      await waitFor('the subscription to notice', () => errors.length > 0);
      // Appended while the subscription re-establishes its session: a poll interval of 10 s means only a new
      // LISTEN (or the read it does on coming back) delivers it within the wait below.
      // The pool may still hold a connection the server killed and not yet noticed: that append answers unavailable
      // (as a request would, 503) and is sent again, as a caller would.
      const event = eventsOf(1);
      await waitFor('the append during the loss', () =>
        store.appendToStream(streamId, event, 0n).then(
          () => true,
          (error: unknown) => {
            if (!(error instanceof EventStoreUnavailableError)) throw error;
            return false;
          },
        ),
      );
      // Its session back, after up to a few capped backoffs (each pooled connection the server killed fails one try).
      await waitFor('the subscription to be healthy again', () => subscription.isHealthy?.() === true, 20_000);
      await waitFor('the event appended during the loss', () => seen.length === 2);
      // The new session holds the subscription's advisory lock again (the old one's died with its backend).
      const { rows } = await ownAdmin.query<{ count: string }>(
        "select count(*) from pg_locks l join pg_stat_activity a using (pid) where l.locktype = 'advisory' and l.granted and a.application_name = $1",
        [applicationName],
      );
      expect(Number(rows[0]?.count)).toBe(1);
      await subscription.stop();
    } finally {
      await store.close();
      await pool.end();
      await ownAdmin.end();
      await own.destroy();
    }
  });
});
