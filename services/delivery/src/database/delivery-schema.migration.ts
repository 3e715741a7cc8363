import type { Pool } from 'pg';
import { PgInbox } from '@pushmfa/messaging';

// Any fixed number works; it only has to be the same for every delivery instance.
const MIGRATION_LOCK_KEY = 3004_0001;

/**
 * Creates the `delivery` schema and its tables. Idempotent, and safe when two instances start at once:
 * the transaction-scoped advisory lock makes the second wait for the first.
 */
export async function migrateDeliverySchema(pool: Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`create schema if not exists ${schema}`);
    await client.query(`
      create table if not exists ${schema}.devices (
        workspace_id text not null,
        device_id text not null,
        user_id text not null,
        push_provider text not null,
        push_token text not null,
        token_valid boolean not null default true,
        revoked boolean not null default false,
        updated_at timestamptz not null default now(),
        primary key (workspace_id, device_id)
      )`);
    await client.query(`create index if not exists devices_by_user on ${schema}.devices (workspace_id, user_id)`);
    await client.query(`
      create table if not exists ${schema}.challenges (
        workspace_id text not null,
        challenge_id text not null,
        user_id text not null,
        status text not null,
        expires_at timestamptz not null,
        target_devices jsonb not null,
        context jsonb not null,
        updated_at timestamptz not null default now(),
        primary key (workspace_id, challenge_id)
      )`);
    await new PgInbox(pool, schema).migrate(client);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
