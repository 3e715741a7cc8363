import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '@pushmfa/postgres';
import {
  createReportTable,
  pointReportViewAt,
  REPORT_TABLES_POINTER,
  reportTableName,
  reportTablesLockKey,
  reportTableVersion,
} from '../database/mfa-report-tables';

interface Pointer {
  active_table: string;
  building_table: string | null;
}

/**
 * The pointer changes of a rebuild. Each runs in one transaction holding the tables lock exclusive, so it waits
 * for every projection transaction in flight (they hold it shared) and each later one reads the change.
 */
export class ReportTableSwitch {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  /** Creates the next version's empty table and marks it as being built; a crashed rebuild's table is dropped first. */
  async startBuilding(): Promise<{ activeTable: string; buildingTable: string }> {
    return this.inTransaction(async (client, pointer) => {
      let version = reportTableVersion(pointer.active_table) + 1;
      if (pointer.building_table) {
        version = Math.max(version, reportTableVersion(pointer.building_table) + 1);
        await client.query(`drop table if exists ${this.schema}.${pointer.building_table}`);
      }
      const buildingTable = reportTableName(version);
      await client.query(`drop table if exists ${this.schema}.${buildingTable}`);
      await createReportTable(client, this.schema, buildingTable);
      await client.query(`update ${this.schema}.${REPORT_TABLES_POINTER} set building_table = $1`, [buildingTable]);
      return { activeTable: pointer.active_table, buildingTable };
    });
  }

  /** Makes the built table the one the API reads and the projection writes, atomically. */
  async activate(buildingTable: string): Promise<void> {
    await this.inTransaction(async (client, pointer) => {
      if (pointer.building_table !== buildingTable) {
        throw new Error(`the table being built is now ${pointer.building_table ?? 'none'}, not ${buildingTable}: another rebuild took over`);
      }
      await client.query(`update ${this.schema}.${REPORT_TABLES_POINTER} set active_table = $1, building_table = null`, [buildingTable]);
      await pointReportViewAt(client, this.schema, buildingTable);
    });
  }

  /** Gives up a rebuild: the projection stops writing to its table, which is dropped. */
  async abandon(buildingTable: string): Promise<void> {
    await this.inTransaction(async (client, pointer) => {
      if (pointer.building_table !== buildingTable) return;
      await client.query(`update ${this.schema}.${REPORT_TABLES_POINTER} set building_table = null`);
      await client.query(`drop table if exists ${this.schema}.${buildingTable}`);
    });
  }

  /** Drops a table no longer active; waits for API reads still running on it. */
  async dropRetired(table: string): Promise<void> {
    await this.pool.query(`drop table if exists ${this.schema}.${table}`);
  }

  private inTransaction<T>(work: (client: PoolClient, pointer: Pointer) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, async (client) => {
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [reportTablesLockKey(this.schema)]);
      const { rows } = await client.query<Pointer>(`select active_table, building_table from ${this.schema}.${REPORT_TABLES_POINTER} for update`);
      const pointer = rows[0];
      if (!pointer) throw new Error('the MFA Report pointer row is missing; run the reporting migration');
      return work(client, pointer);
    });
  }
}
