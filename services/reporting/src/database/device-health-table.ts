import type { PoolClient } from 'pg';

/**
 * `device_health`: per device, its name and platform (from DevicePaired) and what the app last reported about
 * itself (DeviceHealthReported). Small (one row per device) and read by primary key when a report row is shown.
 */
export const DEVICE_HEALTH_TABLE = 'device_health';

export async function createDeviceHealthTable(client: PoolClient, schema: string): Promise<void> {
  await client.query(`
    create table if not exists ${schema}.${DEVICE_HEALTH_TABLE} (
      workspace_id text not null,
      device_id text not null,
      name text,
      platform text,
      health jsonb,
      reported_at timestamptz,
      primary key (workspace_id, device_id)
    )`);
}
