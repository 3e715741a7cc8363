import type { Pool } from 'pg';
import { ApiKeyDirectory } from '@pushmfa/workspace-access';
import { createWebhookTables } from './webhook-tables';
import { createDeviceHealthTable } from './device-health-table';
import { createTestPushTable } from './test-push-table';
import { createDiagnosticsTable } from './diagnostics-table';
import { createReportTable, FIRST_REPORT_TABLE, pointReportViewAt, REPORT_TABLES_POINTER, reportTablesLockKey } from './mfa-report-tables';
import { migrateServiceSchema, PgInbox } from '@pushmfa/postgres';

/**
 * Creates the reporting schema: the MFA Report read model (versioned tables, the pointer to the active one and
 * the view the API reads), the API-key directory, the devices' last health, the webhook endpoints with their deliveries,
 * the shared app logs (diagnostics incidents), and the inbox.
 * Idempotent, and safe when two instances start at once (the advisory lock makes the second wait).
 */
export function migrateReportingSchema(pool: Pool, schema: string): Promise<void> {
  return migrateServiceSchema(pool, schema, async (client) => {
    await client.query(`
      create table if not exists ${schema}.${REPORT_TABLES_POINTER} (
        singleton boolean primary key default true check (singleton),
        active_table text not null,
        building_table text
      )`);
    // A rebuild switching tables at this moment must not have its view pointed back at the retired table.
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [reportTablesLockKey(schema)]);
    const { rows } = await client.query<{ active_table: string; building_table: string | null }>(
      `select active_table, building_table from ${schema}.${REPORT_TABLES_POINTER}`,
    );
    // After a rebuild the first table is gone for good: only a schema without a pointer gets it.
    const activeTable = rows[0]?.active_table ?? FIRST_REPORT_TABLE;
    // Creates the first table, or gives the tables in use the columns and indexes added since they were created.
    await createReportTable(client, schema, activeTable);
    const buildingTable = rows[0]?.building_table;
    if (buildingTable) await createReportTable(client, schema, buildingTable);
    if (!rows[0]) {
      await client.query(`insert into ${schema}.${REPORT_TABLES_POINTER} (active_table) values ($1)`, [FIRST_REPORT_TABLE]);
    }
    await pointReportViewAt(client, schema, activeTable);
    await new ApiKeyDirectory(pool, schema).migrate(client);
    await createWebhookTables(client, schema);
    await createDeviceHealthTable(client, schema);
    await createTestPushTable(client, schema);
    await createDiagnosticsTable(client, schema);
    await new PgInbox(pool, schema).migrate(client);
  });
}
