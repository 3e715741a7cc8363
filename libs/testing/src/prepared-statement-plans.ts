import type { Pool } from 'pg';

/**
 * The plans PostgreSQL may run a prepared statement with: the one for these values (`force_custom_plan`) and the
 * generic one (`force_generic_plan`), each as its EXPLAIN (FORMAT JSON) text, so a test can assert how a hot
 * statement reaches its table (through the key, never a scan) whichever plan the server picks.
 * `parameterTypes`: the statement's parameter types (`jsonb, text[]`); `values`: the EXECUTE arguments as SQL literals.
 */
export async function preparedStatementPlans(
  pool: Pool,
  statement: string,
  parameterTypes: string,
  values: string,
): Promise<Array<{ mode: string; plan: string }>> {
  const client = await pool.connect();
  const plans: Array<{ mode: string; plan: string }> = [];
  try {
    for (const mode of ['force_custom_plan', 'force_generic_plan']) {
      await client.query(`set plan_cache_mode = ${mode}`);
      await client.query(`prepare plan_probe(${parameterTypes}) as ${statement}`);
      try {
        const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(`explain (format json) execute plan_probe(${values})`);
        plans.push({ mode, plan: JSON.stringify(rows[0]!['QUERY PLAN']) });
      } finally {
        await client.query('deallocate plan_probe');
      }
    }
  } finally {
    await client.query('reset plan_cache_mode').catch(() => undefined);
    client.release();
  }
  return plans;
}
