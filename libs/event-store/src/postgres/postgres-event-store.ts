import { Pool, type PoolClient, type PoolConfig, type QueryConfig, type QueryResult } from 'pg';
import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type GlobalPosition,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port';
import { sqlStateOf, toEventStoreError, UNIQUE_VIOLATION } from './postgres-error-mapping';
import { positionParameters, toRecordedEvent, type EventRow } from './postgres-event-row';
import {
  appendModeOf,
  appendNewStreamsSql,
  appendParameters,
  appendSql,
  assertSchemaName,
  migrationSql,
  notificationChannel,
  readAllPageCallSql,
  readAllSql,
  readCheckpointSql,
  readStreamSql,
  storeCheckpointSql,
  streamRevisionSql,
  appendAtCommitSql,
  appendNewStreamsAtCommitSql,
  type AppendMode,
} from './postgres-event-store.sql';
import { guardPoolConnections, keepingWrites, preparedStatementSql, sendWithPrepares, settlePreparedStatements } from '@pushmfa/postgres';
import { PostgresSubscription } from './postgres-subscription';
import { lazilyBegun } from './lazy-begin';

export interface PostgresEventStoreOptions {
  /** Shared pool (not ended by close()); or give `connectionString` and the store owns its pool. */
  pool?: Pool;
  connectionString?: string;
  /** Extra settings for an owned pool (size, timeouts). */
  poolConfig?: PoolConfig;
  /** One schema per service, e.g. 'challenge'. */
  schema: string;
  /** Fallback poll interval of subscriptions when no notification arrives. Default 300 ms. */
  pollIntervalMs?: number;
}

/** What runs a query: the pool (auto-commit) or a client inside the caller's transaction. */
type Queryable = Pick<PoolClient, 'query'>;

/** Operations that join the caller's transaction (e.g. a projection writing its rows and checkpoint atomically). */
export interface PostgresEventStoreTransaction {
  readonly client: PoolClient;
  appendToStream(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /**
   * Starts many new streams in one statement (one round trip, whatever their number): group commit of commands
   * that each create a stream. Every stream must not exist yet (expected revision `no_stream`); if one does, nothing
   * of the call is kept by the caller's transaction (`WrongExpectedRevisionError` is thrown and the caller rolls back).
   * Results are in the order of `appends`.
   */
  appendToNewStreams(appends: ReadonlyArray<{ streamId: string; events: EventToAppend[] }>): Promise<AppendResult[]>;
  /**
   * Appends to a stream at the revision expected, with COMMIT: the append is kept as `deferred`'s writes are (before
   * the ones kept after this call) and answers at once with the stream's revision after it; its global position is
   * known only once committed, so it has none. Should the stream not be at that revision when the COMMIT's message
   * runs (another writer appended first), nothing of the transaction is kept and the transaction throws
   * `WrongExpectedRevisionError`: the caller decides again on a fresh read (`retryOnConflict`). For a command that
   * decides under a lock and needs no position: one round trip less.
   */
  appendAtCommit(streamId: string, events: EventToAppend[], expectedRevision: bigint): { nextExpectedRevision: bigint };
  /**
   * `appendToNewStreams` with COMMIT, as `appendAtCommit`: kept, nothing answered. Should one of the streams exist when
   * the COMMIT's message runs, nothing of the transaction is kept and it throws `WrongExpectedRevisionError`
   * (expected `no_stream`).
   */
  appendToNewStreamsAtCommit(appends: ReadonlyArray<{ streamId: string; events: EventToAppend[] }>): void;
  /**
   * For writes whose results nobody reads (an inline projection's upserts): each statement is kept, with its
   * parameters as literals, and sent with COMMIT in one message, one round trip less per transaction. Its `query`
   * answers an empty result at once. A kept statement that fails fails the commit: nothing of the transaction is
   * kept, as when it fails on `client`. Statements sent on `client` later run before the kept ones, so work that
   * reads what it wrote must write on `client`.
   */
  readonly deferred: PoolClient;
  /** Reads on the transaction's connection: a command deciding under a lock it holds needs no second connection. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Sends `statements` (plain SQL: a lock, a read) and then the read of `streamId` in one simple-protocol message on
   * the transaction's connection, with BEGIN when they open the transaction: a command that locks and reads what it
   * decides on pays one round trip for all of it, and reads the stream under the lock. Answers each statement's
   * result, in order, and the stream's events.
   */
  readStreamAfter(statements: readonly string[], streamId: string): Promise<{ results: QueryResult[]; events: RecordedEvent[] }>;
  /**
   * `readStreamAfter` for many streams (group commit of commands that each decide on their own stream): `statements`,
   * then the read of each of `streamIds`, in one message. Answers each statement's result and each stream's events, in
   * the order of `streamIds`.
   */
  readStreamsAfter(statements: readonly string[], streamIds: readonly string[]): Promise<{ results: QueryResult[]; events: RecordedEvent[][] }>;
  storeCheckpoint(subscriptionId: string, position: GlobalPosition): Promise<void>;
}

interface AppendRow {
  stream_revision: string;
  transaction_id: string;
  global_position: string;
}

const MIGRATION_LOCK_CLASS = 0x70757368; // "push": keeps our advisory lock keys apart from other users'

export class PostgresEventStore implements EventStore {
  readonly schema: string;
  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  private readonly channel: string;
  private readonly pollIntervalMs: number;
  private readonly appendSqlByMode = new Map<AppendMode, string>();
  /**
   * The texts of the statements sent as prepared statements, built once: one string per statement, so a connection's
   * lookup of its prepared name hashes it once, not on every command.
   */
  private readonly preparedSql: { readStream: string; appendAtCommit: string; appendNewStreamsAtCommit: string };
  private readonly subscriptions = new Set<PostgresSubscription>();

  constructor(options: PostgresEventStoreOptions) {
    assertSchemaName(options.schema);
    this.schema = options.schema;
    this.channel = notificationChannel(options.schema);
    this.pollIntervalMs = options.pollIntervalMs ?? 300;
    this.preparedSql = {
      readStream: readStreamSql(this.schema),
      appendAtCommit: appendAtCommitSql(this.schema),
      appendNewStreamsAtCommit: appendNewStreamsAtCommitSql(this.schema),
    };
    if (options.pool) {
      this.pool = options.pool;
      this.ownsPool = false;
    } else {
      if (!options.connectionString) throw new Error('PostgresEventStore needs a pool or a connectionString');
      // A client losing its connection must not crash the process; the query in flight, or the next one, reports it.
      this.pool = guardPoolConnections(new Pool({ connectionTimeoutMillis: 5_000, ...options.poolConfig, connectionString: options.connectionString }));
      this.ownsPool = true;
    }
  }

  async migrate(): Promise<void> {
    await this.withTransaction(async ({ client }) => {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, this.schema]);
      await client.query(migrationSql(this.schema));
    }, 'migrate');
  }

  appendToStream(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return this.append(this.pool, streamId, events, expectedRevision);
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.readStreamWith(this.pool, streamId, options);
  }

  private async readStreamWith(executor: Queryable, streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = options.fromRevision ?? 0n;
    const limit = options.maxCount ?? null;
    try {
      const result = await executor.query<EventRow>({
        name: `${this.schema}-read-stream`,
        text: readStreamSql(this.schema),
        values: [streamId, from.toString(), limit],
      });
      return result.rows.map(toRecordedEvent);
    } catch (error) {
      throw toEventStoreError(error, 'readStream');
    }
  }

  private async readStreamsAfter(
    executor: PoolClient,
    statements: readonly string[],
    streamIds: readonly string[],
  ): Promise<{ results: QueryResult[]; events: RecordedEvent[][] }> {
    const reads = streamIds.map((streamId) => preparedStatementSql(executor, this.preparedSql.readStream, [streamId, '0', null]));
    if (statements.length + reads.length === 0) return { results: [], events: [] };
    try {
      const answered = (await executor.query([...statements, ...reads].join(';\n'))) as unknown as QueryResult | QueryResult[];
      const results = Array.isArray(answered) ? answered : [answered];
      const events = results.slice(statements.length).map((result) => (result.rows as EventRow[]).map(toRecordedEvent));
      return { results: results.slice(0, statements.length), events };
    } catch (error) {
      throw toEventStoreError(error, 'readStream');
    }
  }

  async readAll(after: GlobalPosition, options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const rows = await this.query<EventRow>(
      `${this.schema}-read-all`,
      readAllSql(this.schema),
      [...positionParameters(after), options.maxCount ?? 1000],
      'readAll',
    );
    return rows.map(toRecordedEvent);
  }

  /** `readAll` for a subscription: the page, and whether committed events wait behind a transaction still running. */
  async readAllPage(after: GlobalPosition, options: ReadAllOptions = {}): Promise<{ events: RecordedEvent[]; heldBack: boolean }> {
    const rows = await this.query<EventRow & { held_back: boolean }>(
      `${this.schema}-read-all-page`,
      readAllPageCallSql(this.schema),
      [...positionParameters(after), options.maxCount ?? 1000],
      'readAll',
    );
    return { events: rows.filter((row) => row.event_id !== null).map(toRecordedEvent), heldBack: rows[0]?.held_back === true };
  }

  async subscribeToAll(options: SubscribeOptions): Promise<Subscription> {
    const subscription = new PostgresSubscription(
      {
        pool: this.pool,
        store: this,
        schema: this.schema,
        channel: this.channel,
        pollIntervalMs: this.pollIntervalMs,
        standbyIntervalMs: Math.max(this.pollIntervalMs, 1_000),
      },
      options,
    );
    this.subscriptions.add(subscription);
    subscription.start();
    return {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await subscription.stop();
      },
      isHealthy: () => subscription.isHealthy(),
    };
  }

  async readCheckpoint(subscriptionId: string): Promise<GlobalPosition | null> {
    const rows = await this.query<{ transaction_id: string; global_position: string }>(
      `${this.schema}-read-checkpoint`,
      readCheckpointSql(this.schema),
      [subscriptionId],
      'readCheckpoint',
    );
    const row = rows[0];
    return row ? { major: BigInt(row.transaction_id), minor: BigInt(row.global_position) } : null;
  }

  storeCheckpoint(subscriptionId: string, position: GlobalPosition): Promise<void> {
    return this.storeCheckpointWith(this.pool, subscriptionId, position);
  }

  /** Runs `work` in one transaction; commits when it resolves, rolls back when it throws. */
  async withTransaction<T>(work: (transaction: PostgresEventStoreTransaction) => Promise<T>, operation = 'transaction'): Promise<T> {
    const connection = await this.connect(operation);
    // BEGIN travels with the transaction's first statement (lazy-begin.ts): one round trip less per transaction.
    const { client, begun } = lazilyBegun(connection);
    const kept: string[] = [];
    /** The streams appended with COMMIT: a stored event id repeated there fails the commit (DuplicateEventIdError). */
    const appendedAtCommit: string[] = [];
    let sentWithCommit = false;
    let broken = false;
    try {
      const result = await work({
        client,
        deferred: keepingWrites(connection, kept),
        appendToStream: (streamId, events, expected) => this.append(client, streamId, events, expected),
        appendToNewStreams: (appends) => this.appendNewStreams(client, appends),
        appendAtCommit: (streamId, events, expected) => {
          kept.push(this.appendAtCommitStatement(connection, streamId, events, expected));
          appendedAtCommit.push(streamId);
          return { nextExpectedRevision: expected + BigInt(events.length) };
        },
        appendToNewStreamsAtCommit: (appends) => {
          if (appends.length === 0) return;
          kept.push(preparedStatementSql(connection, this.preparedSql.appendNewStreamsAtCommit, [newStreamsBatch(appends), this.channel]));
          appendedAtCommit.push(...appends.map((append) => append.streamId));
        },
        readStream: (streamId, options) => this.readStreamWith(client, streamId, options),
        readStreamAfter: async (statements, streamId) => {
          const { results, events } = await this.readStreamsAfter(client, statements, [streamId]);
          return { results, events: events[0]! };
        },
        readStreamsAfter: (statements, streamIds) => this.readStreamsAfter(client, statements, streamIds),
        storeCheckpoint: (id, position) => this.storeCheckpointWith(client, id, position),
      });
      if (kept.length > 0) {
        // One simple-protocol message: a failing statement skips the rest (COMMIT included) and the catch rolls back.
        sentWithCommit = true;
        await sendWithPrepares(connection, `${kept.join(';\n')};\nCOMMIT`, { begin: !begun() });
      } else if (begun()) await connection.query('COMMIT');
      return result;
    } catch (error) {
      if (begun() || sentWithCommit)
        await connection.query('ROLLBACK').catch(() => {
          broken = true;
        });
      // PREPAREs of a message that failed may or may not have run: the server says which (prepared-statements.ts).
      if (!broken)
        await settlePreparedStatements(connection, error).catch(() => {
          broken = true;
        });
      if (sentWithCommit && appendedAtCommit.length > 0 && isDuplicateEventId(error))
        throw new DuplicateEventIdError(appendedAtCommit.join(', '), { cause: error });
      throw toEventStoreError(error, operation);
    } finally {
      connection.release(broken);
    }
  }

  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.subscriptions.clear();
    if (this.ownsPool) await this.pool.end();
  }

  private async append(executor: Queryable, streamId: string, events: EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    const mode = appendModeOf(expected);
    const batch = JSON.stringify(storedEventsOf('appendToStream', streamId, events));
    let rows: AppendRow[];
    try {
      const result = await executor.query<AppendRow>({
        name: `${this.schema}-append-${mode}`,
        text: this.appendSqlFor(mode),
        values: appendParameters(streamId, events.length, expected, batch, this.channel),
      });
      rows = result.rows;
    } catch (error) {
      throw this.appendError(error, streamId, expected);
    }
    const row = rows[0];
    if (!row) throw new WrongExpectedRevisionError(streamId, expected, await this.currentRevision(executor, streamId));
    return {
      nextExpectedRevision: BigInt(row.stream_revision),
      position: { major: BigInt(row.transaction_id), minor: BigInt(row.global_position) },
    };
  }

  private appendAtCommitStatement(connection: PoolClient, streamId: string, events: EventToAppend[], expected: bigint): string {
    const batch = JSON.stringify(storedEventsOf('appendAtCommit', streamId, events));
    return preparedStatementSql(connection, this.preparedSql.appendAtCommit, appendParameters(streamId, events.length, expected, batch, this.channel));
  }

  private async appendNewStreams(executor: Queryable, appends: ReadonlyArray<{ streamId: string; events: EventToAppend[] }>): Promise<AppendResult[]> {
    if (appends.length === 0) return [];
    const batch = newStreamsBatch(appends);
    let rows: Array<AppendRow & { stream_id: string }>;
    try {
      const result = await executor.query<AppendRow & { stream_id: string }>({
        name: `${this.schema}-append-new-streams`,
        text: appendNewStreamsSql(this.schema),
        values: [batch, this.channel],
      });
      rows = result.rows;
    } catch (error) {
      throw this.appendError(error, appends[0]!.streamId, 'no_stream');
    }
    const last = new Map<string, AppendRow>();
    for (const row of rows) {
      const seen = last.get(row.stream_id);
      if (!seen || BigInt(row.stream_revision) > BigInt(seen.stream_revision)) last.set(row.stream_id, row);
    }
    return appends.map(({ streamId }) => {
      const row = last.get(streamId);
      if (!row) throw new WrongExpectedRevisionError(streamId, 'no_stream', 'unknown');
      return { nextExpectedRevision: BigInt(row.stream_revision), position: { major: BigInt(row.transaction_id), minor: BigInt(row.global_position) } };
    });
  }

  private appendError(error: unknown, streamId: string, expected: ExpectedRevision): unknown {
    if (sqlStateOf(error) !== UNIQUE_VIOLATION) return toEventStoreError(error, 'appendToStream');
    if (isDuplicateEventId(error)) return new DuplicateEventIdError(streamId, { cause: error });
    // (stream_id, stream_revision) or the streams primary key: another writer got there first.
    return new WrongExpectedRevisionError(streamId, expected, 'unknown');
  }

  private async currentRevision(executor: Queryable, streamId: string): Promise<bigint | 'no_stream' | 'unknown'> {
    try {
      const result = await executor.query<{ stream_revision: string }>(streamRevisionSql(this.schema), [streamId]);
      const row = result.rows[0];
      return row ? BigInt(row.stream_revision) : 'no_stream';
    } catch {
      return 'unknown';
    }
  }

  private appendSqlFor(mode: AppendMode): string {
    let text = this.appendSqlByMode.get(mode);
    if (!text) {
      text = appendSql(this.schema, mode);
      this.appendSqlByMode.set(mode, text);
    }
    return text;
  }

  private async storeCheckpointWith(executor: Queryable, subscriptionId: string, position: GlobalPosition): Promise<void> {
    try {
      await executor.query({
        name: `${this.schema}-store-checkpoint`,
        text: storeCheckpointSql(this.schema),
        values: [subscriptionId, ...positionParameters(position)],
      });
    } catch (error) {
      throw toEventStoreError(error, 'storeCheckpoint');
    }
  }

  private async query<R extends object>(name: string, text: string, values: unknown[], operation: string): Promise<R[]> {
    try {
      const result = await this.pool.query<R>({ name, text, values });
      return result.rows;
    } catch (error) {
      throw toEventStoreError(error, operation);
    }
  }

  private async connect(operation: string): Promise<PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw toEventStoreError(error, operation);
    }
  }
}

/** The streams to start, as the JSON parameter of the new-streams statements. */
function newStreamsBatch(appends: ReadonlyArray<{ streamId: string; events: EventToAppend[] }>): string {
  return JSON.stringify(appends.map(({ streamId, events }) => ({ streamId, events: storedEventsOf('appendToNewStreams', streamId, events) })));
}

/** A stream's events as the append statements read them ({id, type, data, metadata}); an append needs at least one. */
function storedEventsOf(operation: string, streamId: string, events: readonly EventToAppend[]): object[] {
  if (events.length === 0) throw new Error(`${operation}(${streamId}) needs at least one event`);
  return events.map(({ id, type, data, metadata }) => ({ id, type, data, metadata: metadata ?? {} }));
}

/** A unique violation of the events' event id: an event with that id is stored already. */
function isDuplicateEventId(error: unknown): boolean {
  return sqlStateOf(error) === UNIQUE_VIOLATION && ((error as { constraint?: string }).constraint ?? '').includes('event_id');
}
