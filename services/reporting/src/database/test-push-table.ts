import type { PoolClient } from 'pg';

/**
 * `test_pushes`: one row per admin's test push, from TestPushRequested / TestPushReceived (registry topic) and the
 * delivery events naming it. Each column is set by the first event that knows it, whatever order they arrive in.
 */
export const TEST_PUSH_TABLE = 'test_pushes';

export async function createTestPushTable(client: PoolClient, schema: string): Promise<void> {
  await client.query(`
    create table if not exists ${schema}.${TEST_PUSH_TABLE} (
      workspace_id text not null,
      test_push_id text not null,
      user_id text not null,
      device_id text not null,
      requested_at timestamptz,
      requested_by jsonb,
      delivered_at timestamptz,
      failed_at timestamptz,
      failure_reason text,
      token_rejected boolean not null default false,
      received_at timestamptz,
      primary key (workspace_id, test_push_id)
    );
    create index if not exists test_pushes_by_user on ${schema}.${TEST_PUSH_TABLE} (workspace_id, user_id, requested_at desc)`);
}
