import type { PoolClient } from 'pg';

/**
 * The webhook endpoints of each workspace, one row per event to deliver to an endpoint, and each attempt at it.
 * Deleting an endpoint deletes its deliveries and their attempts.
 */
export async function createWebhookTables(client: PoolClient, schema: string): Promise<void> {
  await client.query(`
    create table if not exists ${schema}.webhook_endpoints (
      webhook_id uuid primary key,
      workspace_id text not null,
      url text not null,
      events text[] not null,
      secret_sealed text not null,
      enabled boolean not null default true,
      disabled_reason text,
      disabled_at timestamptz,
      created_at timestamptz not null default now()
    )`);
  await client.query(`create index if not exists webhook_endpoints_by_workspace on ${schema}.webhook_endpoints (workspace_id, created_at)`);
  await client.query(`
    create table if not exists ${schema}.webhook_deliveries (
      delivery_id uuid primary key,
      webhook_id uuid not null references ${schema}.webhook_endpoints (webhook_id) on delete cascade,
      event_id text not null,
      event_type text not null,
      body text not null,
      status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz,
      retry_until timestamptz not null,
      created_at timestamptz not null default now(),
      unique (webhook_id, event_id)
    )`);
  // The sender's claim reads the due pending deliveries in this order.
  await client.query(`create index if not exists webhook_deliveries_due on ${schema}.webhook_deliveries (next_attempt_at) where status = 'pending'`);
  await client.query(`create index if not exists webhook_deliveries_by_endpoint on ${schema}.webhook_deliveries (webhook_id, created_at desc)`);
  await client.query(`
    create table if not exists ${schema}.webhook_attempts (
      delivery_id uuid not null references ${schema}.webhook_deliveries (delivery_id) on delete cascade,
      attempt integer not null,
      attempted_at timestamptz not null,
      http_status integer,
      error text,
      duration_ms integer not null,
      next_attempt_at timestamptz,
      primary key (delivery_id, attempt)
    )`);
}
