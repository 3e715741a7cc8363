import { Pool } from 'pg';
import { guardPoolConnections } from './pool-connection-guard';

export interface ServicePoolOptions {
  connectionString: string;
  /** Shown in pg_stat_activity (`pushmfa-<service>`). */
  applicationName: string;
  max?: number;
  idleTimeoutMillis?: number;
  /** Told when a connection is lost (the query in flight reports it too); the process never crashes on it. */
  onConnectionLost?: (error: Error) => void;
}

/** A service's PostgreSQL pool: bounded connect time, and guarded so that a lost connection cannot kill the process. */
export function createServicePool(options: ServicePoolOptions): Pool {
  const pool = new Pool({
    connectionString: options.connectionString,
    max: options.max ?? 20,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: options.idleTimeoutMillis ?? 30000,
    application_name: options.applicationName,
  });
  return guardPoolConnections(pool, options.onConnectionLost);
}

/** Whether the database answers a trivial query now (readiness). */
export async function databaseAnswers(pool: Pool): Promise<boolean> {
  try {
    await pool.query('select 1');
    return true;
  } catch {
    return false;
  }
}
