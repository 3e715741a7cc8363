import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { quoteLiteral } from '@pushmfa/postgres';

const KEPT_HOURS = 24;

export type IdempotencyClaim<TAnswer> = { kind: 'new' } | { kind: 'replay'; answer: TAnswer } | { kind: 'conflict' };

/**
 * `Idempotency-Key` of `POST /v1/challenges`, per workspace, kept 24 hours with a hash of the request body.
 * Claimed inside the issuing transaction: a second request with the same key waits for the first to commit
 * (or roll back), so two concurrent retries never issue two challenges.
 */
export class IdempotencyKeys {
  constructor(private readonly schema: string) {}

  async migrate(client: Pool | PoolClient): Promise<void> {
    await client.query(`
      create table if not exists ${this.schema}.idempotency_keys (
        workspace_id text not null,
        idempotency_key text not null,
        body_hash text not null,
        answer jsonb,
        created_at timestamptz not null default now(),
        primary key (workspace_id, idempotency_key)
      );`);
  }

  static hashBody(body: unknown): string {
    return createHash('sha256').update(canonicalJson(body)).digest('hex');
  }

  async claim<TAnswer>(client: PoolClient, workspaceId: string, key: string, bodyHash: string): Promise<IdempotencyClaim<TAnswer>> {
    const s = this.schema;
    const [workspace, idempotencyKey] = [quoteLiteral(workspaceId), quoteLiteral(key)];
    // One round trip for both (the simple protocol, so values go in as escaped literals); the insert runs after
    // the delete, so a key older than 24 hours is claimed anew.
    const results = (await client.query(
      `delete from ${s}.idempotency_keys where workspace_id = ${workspace} and idempotency_key = ${idempotencyKey} and created_at < now() - interval '${KEPT_HOURS} hours';
       insert into ${s}.idempotency_keys (workspace_id, idempotency_key, body_hash) values (${workspace}, ${idempotencyKey}, ${quoteLiteral(bodyHash)}) on conflict do nothing`,
    )) as unknown as [QueryResult, QueryResult];
    const inserted = results[1];
    if (inserted.rowCount === 1) return { kind: 'new' };
    const { rows } = await client.query<{ body_hash: string; answer: TAnswer }>(
      `select body_hash, answer from ${s}.idempotency_keys where workspace_id = $1 and idempotency_key = $2`,
      [workspaceId, key],
    );
    const row = rows[0];
    if (!row || row.body_hash !== bodyHash) return { kind: 'conflict' };
    return { kind: 'replay', answer: row.answer };
  }

  async record(client: PoolClient, workspaceId: string, key: string, answer: unknown): Promise<void> {
    await client.query(`update ${this.schema}.idempotency_keys set answer = $3 where workspace_id = $1 and idempotency_key = $2`, [workspaceId, key, answer]);
  }

  /** Gives a claim up again (its request was refused and wrote nothing), in the claiming transaction. */
  async release(client: PoolClient, workspaceId: string, key: string): Promise<void> {
    await client.query(`delete from ${this.schema}.idempotency_keys where workspace_id = $1 and idempotency_key = $2 and answer is null`, [workspaceId, key]);
  }

  /** Forgets keys older than 24 hours; any instance may run it. */
  async purgeExpired(pool: Pool): Promise<void> {
    await pool.query(`delete from ${this.schema}.idempotency_keys where created_at < now() - interval '${KEPT_HOURS} hours'`);
  }
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` are the same body. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
