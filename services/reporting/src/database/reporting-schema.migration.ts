import type { Pool } from 'pg';
import { migrateServiceSchema, PgInbox } from '@pushmfa/messaging';
import { ApiKeyDirectory } from '@pushmfa/workspace-access';

/**
 * Creates the reporting schema: the MFA Report read model, the API-key directory and the inbox.
 * Idempotent, and safe when two instances start at once (the advisory lock makes the second wait).
 */
export function migrateReportingSchema(pool: Pool, schema: string): Promise<void> {
  return migrateServiceSchema(pool, schema, async (client) => {
    // Facts are the truth; status, user and creation time are derived from them for filtering and paging.
    await client.query(`
      create table if not exists ${schema}.mfa_reports (
        workspace_id text not null,
        challenge_id text not null,
        user_id text,
        status text not null,
        created_at timestamptz,
        facts jsonb not null,
        updated_at timestamptz not null default now(),
        primary key (workspace_id, challenge_id)
      )`);
    await client.query(`
      create index if not exists mfa_reports_newest on ${schema}.mfa_reports (workspace_id, created_at desc, challenge_id desc)
      where created_at is not null`);
    await client.query(`
      create index if not exists mfa_reports_by_user on ${schema}.mfa_reports (workspace_id, user_id, created_at desc, challenge_id desc)
      where created_at is not null`);
    await new ApiKeyDirectory(pool, schema).migrate(client);
    await new PgInbox(pool, schema).migrate(client);
  });
}
