import type { Pool, PoolClient } from 'pg';
import type { EventData } from '@pushmfa/contracts';
import { type ApiKeyRole, digestsEqual, hashApiKey } from './api-key-hash';

export interface ApiKeyCaller {
  workspaceId: string;
  keyId: string;
  role: ApiKeyRole;
}

export const API_KEY_DIRECTORY = Symbol('API_KEY_DIRECTORY');

interface CachedLookup {
  caller: ApiKeyCaller | null;
  expiresAt: number;
}

/**
 * Which key hash belongs to which workspace and role, learned from `ApiKeyIssued` / `ApiKeyRevoked`.
 * Holds hashes only. Lookups are cached briefly; a revocation takes effect within `cacheTtlMs`.
 */
export class ApiKeyDirectory {
  private readonly cache = new Map<string, CachedLookup>();

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly cacheTtlMs = 2000,
  ) {}

  async migrate(client: Pool | PoolClient = this.pool): Promise<void> {
    await client.query(`
      create table if not exists ${this.schema}.api_keys (
        key_hash text primary key,
        key_id text not null unique,
        workspace_id text not null,
        role text not null,
        revoked_at timestamptz
      )`);
  }

  /** Applies a registry envelope inside the caller's transaction; other types are ignored. */
  async apply(client: Pool | PoolClient, envelope: { type: string; data: Record<string, unknown> }): Promise<void> {
    if (envelope.type === 'ApiKeyIssued') {
      const data = envelope.data as EventData<'ApiKeyIssued'>;
      await client.query(
        `insert into ${this.schema}.api_keys (key_hash, key_id, workspace_id, role) values ($1, $2, $3, $4)
         on conflict do nothing`,
        [data.keyHash, data.keyId, data.workspaceId, data.role],
      );
    } else if (envelope.type === 'ApiKeyRevoked') {
      const data = envelope.data as EventData<'ApiKeyRevoked'>;
      await client.query(`update ${this.schema}.api_keys set revoked_at = coalesce(revoked_at, now()) where key_id = $1`, [data.keyId]);
      this.cache.clear();
    }
  }

  async findByKey(rawKey: string): Promise<ApiKeyCaller | null> {
    const hash = hashApiKey(rawKey);
    const cached = this.cache.get(hash);
    if (cached && cached.expiresAt > Date.now()) return cached.caller;
    const { rows } = await this.pool.query<{ key_hash: string; key_id: string; workspace_id: string; role: ApiKeyRole }>(
      `select key_hash, key_id, workspace_id, role from ${this.schema}.api_keys where key_hash = $1 and revoked_at is null`,
      [hash],
    );
    const row = rows[0];
    const caller = row && digestsEqual(row.key_hash, hash) ? { workspaceId: row.workspace_id, keyId: row.key_id, role: row.role } : null;
    // Unknown keys are cached for a shorter time: a key issued a moment ago may still be on its way.
    const ttl = caller ? this.cacheTtlMs : Math.min(this.cacheTtlMs, 250);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { caller, expiresAt: Date.now() + ttl });
    return caller;
  }
}
