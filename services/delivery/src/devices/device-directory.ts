import type { Pool } from 'pg';
import type { KnownDevice } from './known-device';
import { asUnavailable, TickBatch } from '@pushmfa/postgres';

interface DeviceRow {
  workspace_id: string;
  device_id: string;
  user_id: string;
  push_provider: 'fcm' | 'apns';
  push_token: string;
  token_valid: boolean;
  revoked: boolean;
}

/** Reads the device projection. */
export class DeviceDirectory {
  /** Reads gathered per tick: the pushes a worker runs at once read their devices in one query. */
  private readonly reads: TickBatch<{ workspaceId: string; deviceId: string }, KnownDevice | null>;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {
    this.reads = new TickBatch(async (keys) => {
      const { rows } = await this.pool.query<DeviceRow>(
        `select d.* from unnest($1::text[], $2::text[]) as k(workspace_id, device_id)
         join ${this.schema}.devices d on d.workspace_id = k.workspace_id and d.device_id = k.device_id`,
        [keys.map((k) => k.workspaceId), keys.map((k) => k.deviceId)],
      );
      const byKey = new Map(rows.map((row) => [`${row.workspace_id}\n${row.device_id}`, toKnownDevice(row)]));
      return keys.map((k) => byKey.get(`${k.workspaceId}\n${k.deviceId}`) ?? null);
    });
  }

  async find(workspaceId: string, deviceId: string): Promise<KnownDevice | null> {
    try {
      return await this.reads.load({ workspaceId, deviceId });
    } catch (error) {
      throw asUnavailable(error);
    }
  }
}

function toKnownDevice(row: DeviceRow): KnownDevice {
  return {
    workspaceId: row.workspace_id,
    deviceId: row.device_id,
    userId: row.user_id,
    pushProvider: row.push_provider,
    pushToken: row.push_token,
    tokenValid: row.token_valid,
    revoked: row.revoked,
  };
}
