import type { Pool, PoolClient, QueryResult } from 'pg';
import { asUnavailable } from './database-unavailable';
import { deleteInBatches, Housekeeping, HOUSEKEEPING_TIMES } from './housekeeping';
import { quoteLiteral } from './inline-parameters';
import { keepingWrites } from './kept-writes';
import { preparedStatementSql, sendWithPrepares, settlePreparedStatements } from './prepared-statements';

/**
 * How long a processed message id is kept: longer than the broker keeps records (Kafka's default: 7 days), so no
 * redelivery goes unnoticed.
 */
export const INBOX_RETENTION_DAYS = 14;

/**
 * Idempotent consumption backed by PostgreSQL: the "already processed" record is written in the same
 * transaction as the handler's effect, so a redelivered message changes nothing and a crash loses nothing.
 */
export class PgInbox {
  /** Records a batch's ids: $1 consumer, $2 the ids (text[]); answers those not recorded before. */
  private readonly recordBatchSql: string;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {
    this.recordBatchSql = `insert into ${schema}.processed_messages (consumer, message_id) select $1::text, id from unnest($2::text[]) as m(id)
         on conflict do nothing returning message_id`;
  }

  async migrate(client: Pool | PoolClient = this.pool): Promise<void> {
    await client.query(`
      create table if not exists ${this.schema}.processed_messages (
        consumer text not null,
        message_id text not null,
        processed_at timestamptz not null default now(),
        primary key (consumer, message_id)
      )`);
    // Rows arrive in processed_at order, so a BRIN index (a few pages, next to nothing per insert) lets the prune read
    // the old block ranges alone rather than the whole table, which holds every message of the last two weeks.
    await client.query(`create index if not exists processed_messages_by_time on ${this.schema}.processed_messages using brin (processed_at)`);
  }

  /** Runs `effect` once per (consumer, messageId); returns false when it had already run. */
  handleOnce(consumer: string, messageId: string, effect: (client: PoolClient) => Promise<void>): Promise<boolean> {
    return this.withConnection(async (client) => {
      // One round trip for both: a consumer pays this per record. Values go in as escaped literals, because
      // only the simple query protocol carries two statements.
      const opened = (await client.query(
        `begin; insert into ${this.schema}.processed_messages (consumer, message_id) values (${quoteLiteral(consumer)}, ${quoteLiteral(messageId)}) on conflict do nothing`,
      )) as unknown as QueryResult[];
      if (opened[1]?.rowCount === 0) {
        await client.query('rollback');
        return false;
      }
      await effect(client);
      await client.query('commit');
      return true;
    });
  }

  /**
   * Runs `effect` once for a batch of messages, in one transaction: the statement that records their ids returns the
   * ones not processed before, and `effect` gets those items only (the first of any id repeated in the batch), in
   * order. Returns what it handed to `effect`; nothing is recorded when `effect` throws.
   *
   * Writes whose results the effect does not read go on `deferred`: each is kept (a prepared statement) and sent with
   * COMMIT in one message, after everything sent on `client`, so the batch's last writes cost no round trip of their
   * own. A kept write that fails stops the statements after it, COMMIT among them: the transaction rolls back whole.
   */
  async handleBatchOnce<T>(
    consumer: string,
    items: readonly T[],
    idOf: (item: T) => string,
    effect: (client: PoolClient, fresh: T[], prelude: QueryResult[], deferred: PoolClient) => Promise<void>,
    options: { prelude?: readonly string[] | ((client: PoolClient) => readonly string[]) } = {},
  ): Promise<T[]> {
    if (items.length === 0) return [];
    return this.withConnection(async (client) => {
      const ids = items.map(idOf);
      const prelude = typeof options.prelude === 'function' ? options.prelude(client) : (options.prelude ?? []);
      // The transaction's start, the caller's prelude (statements the effect needs first: a lock, a pointer; a
      // function of the connection when they are prepared statements of it) and the inbox record in one round trip (a
      // consumer pays this per fetched batch): the simple query protocol carries them all. The record is a prepared
      // statement of the connection (one text for any number of ids), so it is planned once, not on every batch.
      const opened = await sendWithPrepares(client, [...prelude, preparedStatementSql(client, this.recordBatchSql, [consumer, ids])].join(';\n'), {
        begin: true,
      });
      const rows = (opened[prelude.length]?.rows ?? []) as Array<{ message_id: string }>;
      const unseen = new Set(rows.map((row) => row.message_id));
      const fresh = items.filter((item, i) => unseen.delete(ids[i]!));
      const kept: string[] = [];
      if (fresh.length > 0) await effect(client, fresh, opened.slice(0, prelude.length), keepingWrites(client, kept));
      await sendWithPrepares(client, [...kept, 'commit'].join(';\n'));
      return fresh;
    });
  }

  /** Runs `work` on a connection of its own, which opens and commits its transaction; rolled back when it throws. */
  private async withConnection<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw asUnavailable(error);
    }
    let broken = false;
    try {
      return await work(client);
    } catch (error) {
      await client.query('rollback').catch(() => {
        broken = true;
      });
      // PREPAREs of a message that failed may or may not have run: the server says which (prepared-statements.ts).
      if (!broken)
        await settlePreparedStatements(client, error).catch(() => {
          broken = true;
        });
      throw asUnavailable(error);
    } finally {
      client.release(broken);
    }
  }

  /** The service's pruning of this inbox (`prune` at HOUSEKEEPING_TIMES), to start and stop with the service. */
  housekeeping(onError: (error: unknown) => void): Housekeeping {
    return new Housekeeping(() => this.prune(), { ...HOUSEKEEPING_TIMES, onError });
  }

  /**
   * Forgets processed ids older than the broker could still redeliver (INBOX_RETENTION_DAYS), in batches
   * (deleteInBatches). Answers how many it forgot.
   */
  prune(olderThanDays = INBOX_RETENTION_DAYS, batchSize?: number): Promise<number> {
    return deleteInBatches(this.pool, `${this.schema}.processed_messages`, 'processed_at < now() - make_interval(days => $1)', [olderThanDays], batchSize);
  }
}
