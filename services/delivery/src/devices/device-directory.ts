import type { Pool } from 'pg';
import type { KnownDevice } from './known-device';
import { asUnavailable } from '@pushmfa/postgres';

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
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  async find(workspaceId: string, deviceId: string): Promise<KnownDevice | null> {
    try {
      const result = await this.pool.query<DeviceRow>(`select * from ${this.schema}.devices where workspace_id = $1 and device_id = $2`, [
        workspaceId,
        deviceId,
      ]);
      const row = result.rows[0];
      if (!row) return null;
      return {
        workspaceId: row.workspace_id,
        deviceId: row.device_id,
        userId: row.user_id,
        pushProvider: row.push_provider,
        pushToken: row.push_token,
        tokenValid: row.token_valid,
        revoked: row.revoked,
      };
    } catch (error) {
      throw asUnavailable(error);
    }
  }
}
