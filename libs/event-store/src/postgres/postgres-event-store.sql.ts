import type { ExpectedRevision } from '../event-store.port';

/** Schema names are interpolated into SQL, so only plain lower-case identifiers are accepted. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`event store schema must match ${SCHEMA_NAME.source}, got "${schema}"`);
  }
}

export function notificationChannel(schema: string): string {
  return `${schema}_events`;
}

export type AppendMode = 'no_stream' | 'any' | 'stream_exists' | 'revision';

export function appendModeOf(expected: ExpectedRevision): AppendMode {
  return typeof expected === 'bigint' ? 'revision' : expected;
}

/**
 * The DDL, run under a transaction-scoped advisory lock so two instances starting together do not race
 * on CREATE ... IF NOT EXISTS (which is not concurrency-safe on its own).
 */
export function migrationSql(schema: string): string {
  return `
    CREATE SCHEMA IF NOT EXISTS ${schema};
    CREATE TABLE IF NOT EXISTS ${schema}.streams (
      stream_id text PRIMARY KEY,
      stream_revision bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE IF NOT EXISTS ${schema}.events (
      global_position bigserial PRIMARY KEY,
      transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      event_id uuid NOT NULL UNIQUE,
      stream_id text NOT NULL,
      stream_revision bigint NOT NULL,
      type text NOT NULL,
      data jsonb NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (stream_id, stream_revision)
    );
    CREATE INDEX IF NOT EXISTS events_commit_order ON ${schema}.events (transaction_id, global_position);
    CREATE TABLE IF NOT EXISTS ${schema}.checkpoints (
      subscription_id text PRIMARY KEY,
      transaction_id xid8 NOT NULL,
      global_position bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE OR REPLACE FUNCTION ${schema}.expect_appended(appended bigint, stream_id text, expected bigint) RETURNS bigint
    LANGUAGE plpgsql AS $fn$
    BEGIN
      IF appended = 0 THEN
        RAISE EXCEPTION 'stream % is not at revision %', stream_id, expected
          USING ERRCODE = '${APPEND_CONFLICT_SQLSTATE}', DETAIL = stream_id, HINT = expected::text;
      END IF;
      RETURN appended;
    END
    $fn$;
    ${readAllPageFunctionSql(schema)}`;
}

/**
 * The SQLSTATE an append sent with COMMIT raises when the stream is not at the expected revision (another writer
 * appended first): the statements after it, COMMIT among them, do not run.
 */
export const APPEND_CONFLICT_SQLSTATE = 'PM409';

/**
 * An append that travels with COMMIT (`appendAtCommit`): as `appendSql(schema, 'revision')`, but a stream that is not
 * at the expected revision raises APPEND_CONFLICT_SQLSTATE instead of answering no rows, so the rest of the message
 * (the transaction's other kept writes and its COMMIT) is skipped and the transaction rolls back whole.
 * Parameters as appendSql's: $1 stream id, $2 event count, $3 events, $4 channel, $5 expected revision.
 */
export function appendAtCommitSql(schema: string): string {
  return `
    ${claimAndInsertSql(schema, 'revision', '1')}
    SELECT ${schema}.expect_appended((SELECT count(*) FROM appended), $1, $5::bigint) AS appended, pg_notify($4, '') AS notified`;
}

/**
 * The stream row is claimed first: it holds the revision, and its row lock serialises writers of one
 * stream. A writer that loses the race re-checks the WHERE clause against the winner's row and matches
 * nothing, so no events are inserted and the caller sees an empty result.
 * Parameters: $1 stream id, $2 event count, $5 expected revision (mode 'revision' only).
 */
function claimStreamSql(schema: string, mode: AppendMode): string {
  switch (mode) {
    case 'no_stream':
      return `INSERT INTO ${schema}.streams (stream_id, stream_revision) VALUES ($1, $2::bigint - 1)
              ON CONFLICT (stream_id) DO NOTHING RETURNING stream_revision`;
    case 'any':
      return `INSERT INTO ${schema}.streams (stream_id, stream_revision) VALUES ($1, $2::bigint - 1)
              ON CONFLICT (stream_id) DO UPDATE
                SET stream_revision = ${schema}.streams.stream_revision + $2::bigint, updated_at = now()
              RETURNING stream_revision`;
    case 'stream_exists':
      return `UPDATE ${schema}.streams SET stream_revision = stream_revision + $2::bigint, updated_at = now()
              WHERE stream_id = $1 RETURNING stream_revision`;
    case 'revision':
      return `UPDATE ${schema}.streams SET stream_revision = stream_revision + $2::bigint, updated_at = now()
              WHERE stream_id = $1 AND stream_revision = $5::bigint RETURNING stream_revision`;
    default: {
      const unreachable: never = mode;
      throw new Error(`unknown append mode ${String(unreachable)}`);
    }
  }
}

/** The CTEs `stream` (the claimed stream row) and `appended` (the inserted events, `returning` their columns). */
function claimAndInsertSql(schema: string, mode: AppendMode, returning: string): string {
  return `WITH stream AS (${claimStreamSql(schema, mode)}),
    appended AS (
      INSERT INTO ${schema}.events (event_id, stream_id, stream_revision, type, data, metadata)
      SELECT (e.doc->>'id')::uuid, $1, stream.stream_revision - $2::bigint + e.ord, e.doc->>'type', e.doc->'data',
             COALESCE(e.doc->'metadata', '{}'::jsonb)
      FROM stream, jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(doc, ord)
      ORDER BY e.ord
      RETURNING ${returning}
    )`;
}

/**
 * One statement: claim the stream, insert the events, notify subscribers at commit. One round trip.
 * $3 is the batch as a JSON array of {id, type, data, metadata}; $4 the notification channel.
 */
export function appendSql(schema: string, mode: AppendMode): string {
  return `
    ${claimAndInsertSql(schema, mode, 'transaction_id, global_position, stream_revision')}
    SELECT a.stream_revision, a.transaction_id::text AS transaction_id, a.global_position,
           pg_notify($4, '') AS notified
    FROM appended a ORDER BY a.global_position DESC LIMIT 1`;
}

/**
 * One statement that starts many new streams at once (group commit): claims every stream row, inserts every event
 * in the order given (streams in array order, each stream's events in order), notifies subscribers at commit.
 * A stream that already exists claims no row, so its events are not inserted and it is missing from the result.
 * $1 is a JSON array of {streamId, events: [{id, type, data, metadata}]}; $2 the notification channel.
 */
export function appendNewStreamsSql(schema: string): string {
  return `
    ${newStreamsCtes(schema, 'stream_id, stream_revision, transaction_id, global_position')}
    SELECT a.stream_id, a.stream_revision, a.transaction_id::text AS transaction_id, a.global_position, pg_notify($2, '') AS notified
    FROM appended a`;
}

/**
 * As `appendNewStreamsSql`, for an append that travels with COMMIT (`appendToNewStreamsAtCommit`): a stream that already
 * exists raises APPEND_CONFLICT_SQLSTATE (detail: the streams that exist, hint: -1, no stream expected), so the rest of
 * the message, COMMIT among it, is skipped and the transaction rolls back whole.
 */
export function appendNewStreamsAtCommitSql(schema: string): string {
  return `
    ${newStreamsCtes(schema, '1')}
    SELECT ${schema}.expect_appended(
             CASE WHEN (SELECT count(*) FROM claimed) = (SELECT count(*) FROM input) THEN 1 ELSE 0 END,
             (SELECT string_agg(stream_id, ',') FROM input WHERE stream_id NOT IN (SELECT stream_id FROM claimed)), -1) AS appended,
           (SELECT count(*) FROM appended) AS events, pg_notify($2, '') AS notified`;
}

/** The CTEs `input` (the streams given), `claimed` (the stream rows inserted) and `appended` (their events). */
function newStreamsCtes(schema: string, returning: string): string {
  return `WITH input AS (
      SELECT i.ord AS stream_ord, i.doc->>'streamId' AS stream_id, i.doc->'events' AS events
      FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS i(doc, ord)
    ),
    claimed AS (
      INSERT INTO ${schema}.streams (stream_id, stream_revision)
      SELECT stream_id, jsonb_array_length(events) - 1 FROM input
      ON CONFLICT (stream_id) DO NOTHING
      RETURNING stream_id
    ),
    appended AS (
      INSERT INTO ${schema}.events (event_id, stream_id, stream_revision, type, data, metadata)
      SELECT (e.doc->>'id')::uuid, i.stream_id, e.ord - 1, e.doc->>'type', e.doc->'data', COALESCE(e.doc->'metadata', '{}'::jsonb)
      FROM input i JOIN claimed c ON c.stream_id = i.stream_id, jsonb_array_elements(i.events) WITH ORDINALITY AS e(doc, ord)
      ORDER BY i.stream_ord, e.ord
      RETURNING ${returning}
    )`;
}

export function appendParameters(streamId: string, count: number, expected: ExpectedRevision, batchJson: string, channel: string): unknown[] {
  const parameters: unknown[] = [streamId, count, batchJson, channel];
  if (typeof expected === 'bigint') parameters.push(expected.toString());
  return parameters;
}

export function streamRevisionSql(schema: string): string {
  return `SELECT stream_revision FROM ${schema}.streams WHERE stream_id = $1`;
}

const EVENT_COLUMNS = `event_id, type, stream_id, stream_revision, transaction_id::text AS transaction_id,
  global_position, data, metadata, recorded_at`;

/**
 * Commit order, on the table's own columns: a bare `transaction_id` in ORDER BY names EVENT_COLUMNS' text copy, and
 * as text "100" sorts before "99", so a page cut at its limit would skip the older transaction's events for good
 * (and could not follow the index). The events' alias is `ev` wherever it is used.
 */
const COMMIT_ORDER = 'ev.transaction_id, ev.global_position';

/** $1 stream id, $2 first revision, $3 max count. */
export function readStreamSql(schema: string): string {
  return `SELECT ${EVENT_COLUMNS} FROM ${schema}.events
          WHERE stream_id = $1 AND stream_revision >= $2::bigint
          ORDER BY stream_revision LIMIT $3`;
}

/**
 * Only rows of transactions older than every still-running one that could write to this store are read: a
 * transaction that started earlier but commits later would otherwise appear behind the reader's position and be
 * skipped forever. Transaction ids are cluster-wide, so a long write transaction in another database of the same
 * server (a bulk load, a report rebuild) would hold every reader back until it ends; the horizon leaves out the
 * running transactions that pg_stat_get_activity (the function behind pg_stat_activity) places in another database.
 * An unknown transaction (no backend shown, a prepared transaction) still counts, so the horizon errs only towards
 * waiting.
 * $1 transaction id, $2 global position (exclusive lower bound), $3 max count.
 */
export function readAllSql(schema: string): string {
  return `${horizonCtes()}
          SELECT ${EVENT_COLUMNS} FROM ${schema}.events ev, horizon
          WHERE (ev.transaction_id, ev.global_position) > ($1::xid8, $2::bigint)
            AND ev.transaction_id < horizon.xid
          ORDER BY ${COMMIT_ORDER} LIMIT $3`;
}

/**
 * `readAllSql`'s page for a subscription, and whether committed events wait behind the horizon (`held_back`): a
 * transaction still running, in any schema of this database, holds them back, and its end notifies nobody. Always at
 * least one row: `held_back` on every row, and a row with a null `event_id` when the page is empty.
 * `horizon` is the horizon's value, read before on the same snapshot. $1 transaction id, $2 global position
 * (exclusive lower bound), $3 max count.
 */
function readAllPageSql(schema: string, horizon: string): string {
  return `SELECT held.back AS held_back, page.* FROM (
            SELECT EXISTS (
              SELECT 1 FROM ${schema}.events e
              WHERE e.transaction_id >= ${horizon} AND (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
            ) AS back
          ) held
          LEFT JOIN LATERAL (
            SELECT ev.transaction_id AS page_order, ${EVENT_COLUMNS} FROM ${schema}.events ev
            WHERE (ev.transaction_id, ev.global_position) > ($1::xid8, $2::bigint)
              AND ev.transaction_id < ${horizon}
            ORDER BY ${COMMIT_ORDER} LIMIT $3
          ) page ON true
          ORDER BY page.page_order, page.global_position`;
}

/**
 * A subscription's page (`readAllPageSql`) as a function with one plan per connection, made once. As a prepared
 * statement the page read was planned again on nearly every call: PostgreSQL's generic estimate for "after this
 * position" is a third of the table, so its plan cache kept choosing custom plans, and each custom plan probed the
 * index's end for the newest values (their positions lie past the statistics) and expanded pg_stat_activity:
 * planning cost several times the read itself. The function's generic plan is made once; with sequential and bitmap
 * scans off it is the plan the page wants at any table size (the commit-order index, in order, up to the limit), not
 * one fitted to the table as it was when the connection first read. The settings hold for the function's own
 * statements only. The horizon is read once (pg_stat_activity is the dearest part of a read), then the page; STABLE
 * keeps both on the snapshot of the statement that calls the function, so the transactions the horizon finds running
 * are those the page's rows are read under. `#variable_conflict use_column`: the result's column names are also the
 * table's. Its signature and result stay as they are (CREATE OR REPLACE cannot change them, and running instances
 * call it): a different page is a new function.
 */
function readAllPageFunctionSql(schema: string): string {
  return `CREATE OR REPLACE FUNCTION ${schema}.read_all_page(after_transaction xid8, after_position bigint, max_count integer)
    RETURNS TABLE (held_back boolean, page_order xid8, event_id uuid, type text, stream_id text, stream_revision bigint,
      transaction_id text, global_position bigint, data jsonb, metadata jsonb, recorded_at timestamptz)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    SET enable_seqscan = off
    SET enable_bitmapscan = off
    AS $fn$
    #variable_conflict use_column
    DECLARE
      horizon_xid xid8;
    BEGIN
      horizon_xid := (${horizonSql()});
      RETURN QUERY ${readAllPageSql(schema, 'horizon_xid')};
    END
    $fn$;`;
}

/** A subscription's page through its function (readAllPageFunctionSql). $1 transaction id, $2 global position, $3 max count. */
export function readAllPageCallSql(schema: string): string {
  return `SELECT * FROM ${schema}.read_all_page($1::xid8, $2::bigint, $3::integer)`;
}

function horizonCtes(): string {
  return `WITH horizon AS (${horizonSql()})`;
}

/**
 * The horizon of `readAllSql`, as one value (`xid`). The backends come from pg_stat_get_activity, the function behind
 * the pg_stat_activity view, read directly: the view also joins every backend to pg_database and pg_authid for their
 * names, which made it five times dearer (0.5–0.8 ms against 0.07–0.14 ms with 100 connection slots), on every page
 * read of every subscription.
 */
function horizonSql(): string {
  return `WITH snapshot AS (SELECT pg_current_snapshot() AS s),
          elsewhere AS (
            SELECT backend_xid::text::bigint AS xid FROM pg_stat_get_activity(NULL)
            WHERE backend_xid IS NOT NULL AND datid IS NOT NULL
              AND datid <> (SELECT oid FROM pg_database WHERE datname = current_database())
          )
          SELECT COALESCE(
            (SELECT min(running) FROM snapshot, pg_snapshot_xip(snapshot.s) AS running
              WHERE running::text::bigint % 4294967296 NOT IN (SELECT xid FROM elsewhere)),
            (SELECT pg_snapshot_xmax(s) FROM snapshot)) AS xid`;
}

export function readCheckpointSql(schema: string): string {
  return `SELECT transaction_id::text AS transaction_id, global_position FROM ${schema}.checkpoints
          WHERE subscription_id = $1`;
}

/** $1 subscription id, $2 transaction id, $3 global position. */
export function storeCheckpointSql(schema: string): string {
  return `INSERT INTO ${schema}.checkpoints (subscription_id, transaction_id, global_position)
          VALUES ($1, $2::xid8, $3::bigint)
          ON CONFLICT (subscription_id) DO UPDATE
            SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position, updated_at = now()`;
}
