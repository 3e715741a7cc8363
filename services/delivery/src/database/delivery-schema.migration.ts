import type { Pool } from 'pg';
import { PendingPushes } from '../pending/pending-pushes';
import { migrateServiceSchema, PgInbox } from '@pushmfa/postgres';

/** Creates the `delivery` schema and its tables; idempotent and safe when two instances start at once. */
export function migrateDeliverySchema(pool: Pool, schema: string): Promise<void> {
  return migrateServiceSchema(pool, schema, async (client) => {
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
    await client.query(`alter table ${schema}.challenges add column if not exists number_choices jsonb`);
    // Views arrive about in expiry order: a BRIN index lets the prune read the expired block ranges alone.
    await client.query(`create index if not exists challenges_by_expiry on ${schema}.challenges using brin (expires_at)`);
    await PendingPushes.migrate(client, schema);
    await new PgInbox(pool, schema).migrate(client);
  });
}
