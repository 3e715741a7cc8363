import type { Pool } from 'pg';
import type { KnownDevice } from './known-device';
import { asUnavailable, TickBatch } from '@pushmfa/postgres';
import { type KeyedRead, keyedRead } from '../database/keyed-read';

interface DeviceRow {
  workspace_id: string;
  device_id: string;
  user_id: string;
  push_provider: 'fcm' | 'apns';
  push_token: string;
  token_valid: boolean;
  revoked: boolean;
}

/** The devices of many pushes in one statement. */
export function knownDevicesRead(schema: string): KeyedRead<{ workspaceId: string; deviceId: string }, KnownDevice> {
  return keyedRead(`${schema}.devices`, 'device_id', (key: { workspaceId: string; deviceId: string }) => key.deviceId, toKnownDevice);
}

/** Reads the device projection. */
export class DeviceDirectory {
  /** Reads gathered per tick: the pushes a worker runs at once read their devices in one query. */
  private readonly reads: TickBatch<{ workspaceId: string; deviceId: string }, KnownDevice | null>;

  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    const read = knownDevicesRead(schema);
    this.reads = new TickBatch(async (keys) => {
      const { text, values } = read.statement(keys);
      const { rows } = await this.pool.query(text, values);
      return read.answer(rows as never[], keys);
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
