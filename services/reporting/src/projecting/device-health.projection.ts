import type { Pool } from 'pg';
import type { ContractEnvelope } from '@pushmfa/contracts';
import { DEVICE_HEALTH_TABLE } from '../database/device-health-table';

/**
 * Keeps the latest health each device reported (DeviceHealthReported) and the device's name and platform
 * (DevicePaired), so a report row can say why a push may not have been seen. Idempotent: a redelivered or older
 * report never replaces a newer one.
 */
export class DeviceHealthProjection {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  async applyBatch(envelopes: readonly ContractEnvelope[]): Promise<void> {
    for (const envelope of envelopes) {
      if (envelope.type === 'DevicePaired') {
        const { deviceId, name, platform } = envelope.data;
        await this.pool.query(
          `insert into ${this.schema}.${DEVICE_HEALTH_TABLE} (workspace_id, device_id, name, platform) values ($1, $2, $3, $4)
           on conflict (workspace_id, device_id) do update set name = excluded.name, platform = excluded.platform`,
          [envelope.workspaceId, deviceId, name, platform],
        );
      } else if (envelope.type === 'DeviceHealthReported') {
        const { deviceId, userId: _userId, ...health } = envelope.data;
        await this.pool.query(
          `insert into ${this.schema}.${DEVICE_HEALTH_TABLE} (workspace_id, device_id, health, reported_at) values ($1, $2, $3, $4)
           on conflict (workspace_id, device_id) do update set health = excluded.health, reported_at = excluded.reported_at
           where ${DEVICE_HEALTH_TABLE}.reported_at is null or ${DEVICE_HEALTH_TABLE}.reported_at < excluded.reported_at`,
          [envelope.workspaceId, deviceId, JSON.stringify(health), health.reportedAt],
        );
      }
    }
  }
}
