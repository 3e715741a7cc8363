import type { Pool, PoolClient } from 'pg';

/**
 * Creates a service's schema and runs its table migrations in one transaction. Idempotent, and safe when several
 * instances start at once: a transaction-scoped advisory lock per schema makes the others wait for the first.
 */
export async function migrateServiceSchema(pool: Pool, schema: string, createTables: (client: PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [`pushmfa-schema-${schema}`]);
    await client.query(`create schema if not exists ${schema}`);
    await createTables(client);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
