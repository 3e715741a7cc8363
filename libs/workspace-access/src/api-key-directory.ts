import type { Pool, PoolClient } from 'pg';
import { namedQuery } from '@pushmfa/postgres';
import type { ContractEvent } from '@pushmfa/contracts';
import { type ApiKeyRole, digestsEqual, hashApiKey } from './api-key-hash';

export interface ApiKeyCaller {
  workspaceId: string;
  keyId: string;
  role: ApiKeyRole;
}

export const API_KEY_DIRECTORY = Symbol('API_KEY_DIRECTORY');

/**
 * Shows that a view is current before it is trusted: resolves with a token naming the point of the source the view has
 * applied (the same token means nothing changed since), or throws an error with `code: 'unavailable'` (503).
 */
export interface ViewCurrency {
  awaitCurrent(): Promise<string>;
}

interface CachedLookup {
  caller: ApiKeyCaller | null;
  /** The view's currency token the lookup was read under; valid only while the token is unchanged. */
  token: string;
}

/**
 * Which key hashes belong to which workspace and role, learned from `ApiKeyIssued` / `ApiKeyRevoked` (or, in the
 * registry, written by the request itself). Holds hashes only.
 *
 * With `currency` (a service that learns keys from Kafka), every lookup first waits until the directory has applied
 * the registry topic up to its current end, so a key revoked or issued before the request is refused or accepted
 * accordingly, and a directory that cannot show it is current refuses the request (503). A lookup is cached under the
 * currency token it was read with and reused only while the token is unchanged: any new registry record makes the next
 * lookup read the table again, and a lookup racing a revocation can only cache its answer under the older token.
 * Without `currency` (the registry, which writes the table in the request) nothing is cached.
 */
export class ApiKeyDirectory {
  private readonly cache = new Map<string, CachedLookup>();
  /** The key lookup ($1 the key's hash), a named statement (`namedQuery`): its text built once. */
  private readonly findByHashSql: string;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly currency?: ViewCurrency,
  ) {
    this.findByHashSql = `select key_hash, key_id, workspace_id, role from ${schema}.api_keys where key_hash = $1 and revoked_at is null`;
  }

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
  async apply(client: Pool | PoolClient, envelope: ContractEvent): Promise<void> {
    if (envelope.type === 'ApiKeyIssued') {
      const data = envelope.data;
      await client.query(
        `insert into ${this.schema}.api_keys (key_hash, key_id, workspace_id, role) values ($1, $2, $3, $4)
         on conflict do nothing`,
        [data.keyHash, data.keyId, data.workspaceId, data.role],
      );
    } else if (envelope.type === 'ApiKeyRevoked') {
      const data = envelope.data;
      await client.query(`update ${this.schema}.api_keys set revoked_at = coalesce(revoked_at, now()) where key_id = $1`, [data.keyId]);
    }
  }

  /**
   * The workspace this process last found for the key, from its cache, without asking whether the view is current
   * and without any I/O; undefined when it has not looked the key up (or only found it unknown). Not an
   * authentication: a hint for decisions that concern the request alone, such as refusing it early under overload
   * (its key may have been revoked since; `findByKey` decides whether it is let in).
   */
  workspaceHint(rawKey: string): string | undefined {
    return this.cache.get(hashApiKey(rawKey))?.caller?.workspaceId;
  }

  async findByKey(rawKey: string): Promise<ApiKeyCaller | null> {
    const hash = hashApiKey(rawKey);
    const token = this.currency ? await this.currency.awaitCurrent() : undefined;
    const cached = token === undefined ? undefined : this.cache.get(hash);
    if (cached && cached.token === token) return cached.caller;
    const { rows } = await this.pool.query<{ key_hash: string; key_id: string; workspace_id: string; role: ApiKeyRole }>(
      namedQuery(this.findByHashSql, [hash]),
    );
    const row = rows[0];
    const caller = row && digestsEqual(row.key_hash, hash) ? { workspaceId: row.workspace_id, keyId: row.key_id, role: row.role } : null;
    if (token !== undefined) {
      if (this.cache.size >= 10_000) this.cache.clear();
      this.cache.set(hash, { caller, token });
    }
    return caller;
  }
}
