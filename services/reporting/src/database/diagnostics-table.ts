import type { PoolClient } from 'pg';

/**
 * `diagnostics_incidents`: the app logs users shared with support (DiagnosticsShared), redacted on arrival by the
 * challenge service, one row per incident, deleted by the sweeper once `expires_at` has passed.
 */
export const DIAGNOSTICS_TABLE = 'diagnostics_incidents';

export async function createDiagnosticsTable(client: PoolClient, schema: string): Promise<void> {
  await client.query(`
    create table if not exists ${schema}.${DIAGNOSTICS_TABLE} (
      workspace_id text not null,
      incident_id text not null,
      user_id text not null,
      device_id text not null,
      challenge_id text,
      shared_at timestamptz not null,
      expires_at timestamptz not null,
      app_version text,
      health jsonb,
      line_count integer not null,
      logs jsonb not null,
      primary key (workspace_id, incident_id)
    );
    create index if not exists ${DIAGNOSTICS_TABLE}_by_time on ${schema}.${DIAGNOSTICS_TABLE} (workspace_id, shared_at desc);
    create index if not exists ${DIAGNOSTICS_TABLE}_by_expiry on ${schema}.${DIAGNOSTICS_TABLE} (expires_at);`);
}
