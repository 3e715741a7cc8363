import type { Pool, PoolClient } from 'pg';
import { inTransaction } from './pg-transaction';

/**
 * Creates a service's schema and runs its table migrations in one transaction. Idempotent, and safe when several
 * instances start at once: a transaction-scoped advisory lock per schema makes the others wait for the first.
 */
export function migrateServiceSchema(pool: Pool, schema: string, createTables: (client: PoolClient) => Promise<void>): Promise<void> {
  return inTransaction(pool, async (client) => {
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [`pushmfa-schema-${schema}`]);
    await client.query(`create schema if not exists ${schema}`);
    await createTables(client);
  });
}
