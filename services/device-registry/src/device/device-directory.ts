import type { Pool, PoolClient } from 'pg';
import { DomainError } from '@pushmfa/event-store';
import type { DeviceKeyRecord, DeviceKeyResolver } from '@pushmfa/device-auth';
import type { PairingEvent } from '../pairing/pairing.events';
import type { ReportedDeviceHealth } from '@pushmfa/contracts';
import type { DeviceEvent } from './device.events';

type Queryable = Pool | PoolClient;
type DevicePairedData = Extract<PairingEvent, { type: 'DevicePaired' }>['data'];

export interface DeviceRow {
  deviceId: string;
  workspaceId: string;
  userId: string;
  pairingId: string;
  name: string;
  platform: 'android' | 'ios';
  pushProvider: 'fcm' | 'apns';
  status: 'active' | 'revoked';
  pushTokenStatus: 'valid' | 'invalid';
  pairedAt: string;
  lastSeenAt: string | null;
  publicJwk: unknown;
  /** The app's last health report, and when it was made; null before the first. */
  health: (ReportedDeviceHealth & { reportedAt: string }) | null;
}

/** One public key backs at most one active device: a request signed for one device is never valid for another. */
const ACTIVE_KEY_INDEX = 'devices_active_public_key';
/** The stored JWK has a fixed shape with canonical base64url members, so equal keys have equal members. */
const KEY_MEMBERS = `(public_jwk->>'kty'), (public_jwk->>'crv'), (public_jwk->>'x'), (coalesce(public_jwk->>'y', ''))`;

const COLUMNS = `device_id, workspace_id, user_id, pairing_id, name, platform, push_provider, status, push_token_status, paired_at, last_seen_at, public_jwk, health`;

/**
 * `registry.devices`: one row per paired device, written by the commands in the transaction that appends
 * DevicePaired and the device stream's events (inline projections). Each column group
 * stores the stream revision it last applied, so a replayed or out-of-order event changes nothing.
 * lastSeenAt is telemetry, not an event: it is written straight to the row.
 */
export class DeviceDirectory implements DeviceKeyResolver {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    /** A pool apart from `pool`: lock holders then never starve the queries they wait on. */
    private readonly lockPool: Pool = pool,
  ) {}

  async migrate(client: Queryable = this.pool): Promise<void> {
    await client.query(`
      create table if not exists ${this.schema}.devices (
        device_id text primary key,
        workspace_id text not null,
        user_id text not null,
        pairing_id text not null,
        name text not null,
        platform text not null,
        push_provider text not null,
        public_jwk jsonb not null,
        status text not null,
        status_revision bigint not null default -1,
        push_token_status text not null,
        push_token_revision bigint not null default -1,
        paired_at timestamptz not null,
        last_seen_at timestamptz
      )`);
    // The app's last health report (DeviceHealthReported data without the ids), added after the first release.
    await client.query(
      `alter table ${this.schema}.devices add column if not exists health jsonb, add column if not exists health_revision bigint not null default -1`,
    );
    await client.query(`create index if not exists devices_by_user on ${this.schema}.devices (workspace_id, user_id)`);
    await client.query(`create unique index if not exists ${ACTIVE_KEY_INDEX} on ${this.schema}.devices (${KEY_MEMBERS}) where status = 'active'`);
  }

  /** True when an active device (of any workspace) has this public key. */
  async keyInUse(publicJwk: { kty: string; crv: string; x: string; y?: string }): Promise<boolean> {
    const { rowCount } = await this.pool.query(`select 1 from ${this.schema}.devices where status = 'active' and (${KEY_MEMBERS}) = ($1, $2, $3, $4) limit 1`, [
      publicJwk.kty,
      publicJwk.crv,
      publicJwk.x,
      publicJwk.y ?? '',
    ]);
    return (rowCount ?? 0) > 0;
  }

  /**
   * Writes the new device's row in the transaction that appends its DevicePaired: the unique index on active keys
   * then refuses the whole confirmation (nothing is appended) when another active device has the key, however many
   * confirmations race.
   */
  async insertPairedClaimingKey(client: PoolClient, workspaceId: string, data: DevicePairedData): Promise<void> {
    try {
      await client.query(
        `insert into ${this.schema}.devices (device_id, workspace_id, user_id, pairing_id, name, platform, push_provider, public_jwk, status, push_token_status, paired_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, 'active', 'valid', $9) on conflict (device_id) do nothing`,
        [
          data.device.deviceId,
          workspaceId,
          data.userId,
          data.pairingId,
          data.name,
          data.device.platform,
          data.device.pushProvider,
          JSON.stringify(data.device.publicJwk),
          data.pairedAt,
        ],
      );
    } catch (error) {
      const { code, constraint } = error as { code?: string; constraint?: string };
      if (code === '23505' && constraint === ACTIVE_KEY_INDEX) throw keyInUseError();
      throw error;
    }
  }

  /** `revision` is the event's revision in the device stream. */
  async applyDeviceEvent(client: Queryable, event: DeviceEvent, revision: bigint): Promise<void> {
    // Test pushes change nothing the row holds.
    if (event.type === 'TestPushRequested' || event.type === 'TestPushReceived') return;
    if (event.type === 'DeviceHealthReported') {
      const { deviceId, userId: _userId, ...health } = event.data;
      await client.query(`update ${this.schema}.devices set health = $2, health_revision = $3 where device_id = $1 and health_revision < $3`, [
        deviceId,
        JSON.stringify(health),
        revision.toString(),
      ]);
      return;
    }
    const [column, value] =
      event.type === 'DeviceRevoked' ? ['status', 'revoked'] : ['push_token_status', event.type === 'PushTokenRotated' ? 'valid' : 'invalid'];
    const guard = column === 'status' ? 'status_revision' : 'push_token_revision';
    await client.query(`update ${this.schema}.devices set ${column} = $2, ${guard} = $3 where device_id = $1 and ${guard} < $3`, [
      event.data.deviceId,
      value,
      revision.toString(),
    ]);
  }

  async touch(deviceId: string, at: Date): Promise<void> {
    await this.pool.query(`update ${this.schema}.devices set last_seen_at = greatest(coalesce(last_seen_at, $2), $2) where device_id = $1`, [deviceId, at]);
  }

  async find(deviceId: string): Promise<DeviceRow | null> {
    const { rows } = await this.pool.query(`select ${COLUMNS} from ${this.schema}.devices where device_id = $1`, [deviceId]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  async listForUser(workspaceId: string, userId: string): Promise<DeviceRow[]> {
    const { rows } = await this.pool.query(
      `select ${COLUMNS} from ${this.schema}.devices where workspace_id = $1 and user_id = $2 order by paired_at, device_id`,
      [workspaceId, userId],
    );
    return rows.map(toRow);
  }

  async activeDeviceIds(workspaceId: string, userId: string): Promise<string[]> {
    return (await this.listForUser(workspaceId, userId)).filter((d) => d.status === 'active').map((d) => d.deviceId);
  }

  /**
   * Runs `work` while holding a per-user advisory lock (across instances), so two confirmations for one user
   * cannot both pass the device limit.
   */
  async whileHoldingUserLock<T>(workspaceId: string, userId: string, work: () => Promise<T>): Promise<T> {
    const client = await this.lockPool.connect();
    const key = `pushmfa-devices-${workspaceId}/${userId}`;
    let broken: Error | undefined;
    try {
      await client.query('select pg_advisory_lock(hashtext($1))', [key]);
      try {
        return await work();
      } finally {
        await client.query('select pg_advisory_unlock(hashtext($1))', [key]).catch((error: Error) => (broken = error));
      }
    } finally {
      // A connection whose unlock failed is destroyed: closing the session is what releases its lock.
      client.release(broken);
    }
  }

  /** The device-signature resolver: read uncached, so a revocation stops the next request. */
  async resolve(deviceId: string): Promise<DeviceKeyRecord | null> {
    const row = await this.find(deviceId);
    return row ? { deviceId: row.deviceId, userId: row.userId, workspaceId: row.workspaceId, status: row.status, publicJwk: row.publicJwk } : null;
  }
}

export function keyInUseError(): DomainError {
  return new DomainError('validation_failed', 'this public key already belongs to an active device; make a new key pair for each device', {
    errors: [{ field: 'publicKey', message: 'already in use by an active device' }],
  });
}

function toRow(row: Record<string, any>): DeviceRow {
  return {
    deviceId: row.device_id,
    workspaceId: row.workspace_id,
    userId: row.user_id,
    pairingId: row.pairing_id,
    name: row.name,
    platform: row.platform,
    pushProvider: row.push_provider,
    status: row.status,
    pushTokenStatus: row.push_token_status,
    pairedAt: (row.paired_at as Date).toISOString(),
    lastSeenAt: row.last_seen_at ? (row.last_seen_at as Date).toISOString() : null,
    publicJwk: row.public_jwk,
    health: row.health ?? null,
  };
}
