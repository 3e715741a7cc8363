import type { Pool, PoolClient } from 'pg';
import { matchOfflineCode } from '@pushmfa/device-auth';
import type { KeyedSecretBox } from '@pushmfa/service-config';
import type { OfflineCodeMatch } from '../push-challenge/push-challenge.decider';
import { offlineCodeHistorySql } from '../read-models/offline-code-history.query';

/** A device's offline-code secret, opened, and the last time step its code approved. */
export interface OfflineCodeCandidate {
  deviceId: string;
  secret: Buffer;
  lastStep: number | null;
}

/** What an offline-code approval reads under the user's lock. */
export interface OfflineCodeCandidates {
  /** Wrong offline codes in a row of the user's. */
  failures: number;
  devices: OfflineCodeCandidate[];
}

/**
 * The devices' offline-code secrets (`offline_code_secrets`), one per device, agreed at enrolment and sealed with
 * the service's key (AES-256-GCM, the device id bound in): the table holds no secret in the clear, and nothing of it
 * leaves this service. Rows of revoked devices stay but are never read: only the user's active devices are asked for.
 */
export class OfflineCodeSecrets {
  constructor(
    private readonly schema: string,
    private readonly box: KeyedSecretBox,
  ) {}

  async migrate(client: Pool | PoolClient): Promise<void> {
    await client.query(`
      create table if not exists ${this.schema}.offline_code_secrets (
        device_id text primary key,
        workspace_id text not null,
        user_id text not null,
        sealed_secret text not null,
        enrolled_at timestamptz not null
      )`);
  }

  /** Stores the device's secret; false when the device has one already (it is never replaced). */
  async enrol(pool: Pool, device: { deviceId: string; workspaceId: string; userId: string }, secret: Buffer, now: Date): Promise<boolean> {
    const { rowCount } = await pool.query(
      `insert into ${this.schema}.offline_code_secrets (device_id, workspace_id, user_id, sealed_secret, enrolled_at)
       values ($1, $2, $3, $4, $5) on conflict (device_id) do nothing`,
      [device.deviceId, device.workspaceId, device.userId, this.box.seal(secret, device.deviceId), now],
    );
    return rowCount === 1;
  }

  /** The secrets of `deviceIds` (the user's active devices) with their last used steps, and the user's wrong-code streak. */
  async candidates(client: PoolClient, workspaceId: string, userId: string, deviceIds: readonly string[]): Promise<OfflineCodeCandidates> {
    const s = this.schema;
    const { rows } = await client.query<{ failures: number; devices: { deviceId: string; sealed: string; lastStep: string | number | null }[] }>(
      `select ${offlineCodeHistorySql.failuresOf(s, '$1', '$2')} as failures,
              coalesce((select json_agg(json_build_object('deviceId', c.device_id, 'sealed', c.sealed_secret, 'lastStep', ${offlineCodeHistorySql.lastStepOf(s, 'c.device_id')}))
                        from ${s}.offline_code_secrets c
                        where c.workspace_id = $1 and c.user_id = $2 and c.device_id = any($3::text[])), '[]') as devices`,
      [workspaceId, userId, [...deviceIds]],
    );
    const row = rows[0] ?? { failures: 0, devices: [] };
    return {
      failures: Number(row.failures),
      devices: row.devices.map((d) => ({
        deviceId: d.deviceId,
        secret: this.box.open(d.sealed, d.deviceId),
        lastStep: d.lastStep === null ? null : Number(d.lastStep),
      })),
    };
  }
}

/**
 * Which device `code` is the code of at `atMs` (±1 step): a match whose step is after the device's last used one
 * approves; one at or before it is a replay. Six digits of two devices may collide: a code fresh for any device
 * approves as that device's, and it is a replay only when every device it matches has used it.
 */
export function matchOfflineCodeAmong(devices: readonly OfflineCodeCandidate[], code: string, atMs: number): OfflineCodeMatch {
  let replayed: OfflineCodeMatch | null = null;
  for (const device of devices) {
    const step = matchOfflineCode(device.secret, code, atMs);
    if (step === null) continue;
    if (device.lastStep !== null && step <= device.lastStep) {
      replayed ??= { outcome: 'replayed', deviceId: device.deviceId };
      continue;
    }
    return { outcome: 'matched', deviceId: device.deviceId, step };
  }
  return replayed ?? { outcome: 'none' };
}
