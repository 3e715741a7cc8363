import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export function testDatabaseUrl(): string {
  return process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
}

/** A schema name no other test file uses, so files can run in parallel against one database. */
export function uniqueSchemaName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** Fails with a message naming what is missing instead of a bare ECONNREFUSED. */
export async function connectTestPool(max = 12): Promise<Pool> {
  const url = testDatabaseUrl();
  const pool = new Pool({ connectionString: url, max, connectionTimeoutMillis: 5_000 });
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    const where = url.replace(/\/\/[^@/]*@/, '//');
    throw new Error(`PostgreSQL is required for this test and is not reachable at ${where} (set DATABASE_URL): ${String(error)}`);
  }
  return pool;
}

export async function dropSchema(pool: Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}
