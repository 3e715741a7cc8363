import type { Pool, PoolClient } from 'pg';
import { type ContractEnvelope, DEFAULT_SETTINGS, type EventData, type WorkspaceSettings } from '@pushmfa/contracts';
import type { DeviceKeyRecord, DeviceKeyResolver } from '@pushmfa/device-auth';

/**
 * What the challenge service knows of the registry, learned from `pushmfa.registry.v1`: workspace settings and
 * active devices with their public keys. No secrets: keys arrive as hashes (ApiKeyDirectory), push tokens are not kept.
 */
export class RegistryView implements DeviceKeyResolver {
  /** Active devices' keys, read on every signed request; only active ones, so a device paired a moment ago is never refused. */
  private readonly activeKeys = new Map<string, { record: DeviceKeyRecord; expiresAt: number }>();
  /** Bumped whenever the cache is emptied: a read that started before must not put back what it read. */
  private keysGeneration = 0;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly keyCacheTtlMs = 2000,
  ) {}

  /** True for events that revoke a device: after they commit, call `forgetDeviceKeys`. */
  static revokesDevices(envelope: ContractEnvelope): boolean {
    return envelope.type === 'DeviceRevoked' || envelope.type === 'UserMfaReset' || (envelope.type === 'DevicePaired' && Boolean((envelope.data as EventData<'DevicePaired'>).replacedDeviceId));
  }

  /**
   * Empties the device key cache. The instance that applied a revocation calls it once the change has committed,
   * so it refuses the device from then on; other instances stop accepting it within `keyCacheTtlMs`, as with API keys.
   */
  forgetDeviceKeys(): void {
    this.keysGeneration++;
    this.activeKeys.clear();
  }

  async migrate(client: Pool | PoolClient = this.pool): Promise<void> {
    await client.query(`
      create table if not exists ${this.schema}.workspaces (workspace_id text primary key, settings jsonb not null);
      create table if not exists ${this.schema}.devices (
        device_id text primary key,
        workspace_id text not null,
        user_id text not null,
        status text not null,
        platform text not null,
        push_provider text not null,
        public_jwk jsonb not null,
        paired_at timestamptz not null
      );
      create index if not exists devices_by_user on ${this.schema}.devices (workspace_id, user_id) where status = 'active';`);
  }

  /** Applies one registry event inside the consumer's transaction; idempotent. */
  async apply(client: PoolClient, envelope: ContractEnvelope): Promise<void> {
    const s = this.schema;
    switch (envelope.type) {
      case 'WorkspaceCreated':
      case 'WorkspaceSettingsChanged': {
        const data = envelope.data as EventData<'WorkspaceCreated'>;
        await client.query(`insert into ${s}.workspaces (workspace_id, settings) values ($1, $2) on conflict (workspace_id) do update set settings = excluded.settings`, [data.workspaceId, data.settings]);
        return;
      }
      case 'DevicePaired': {
        const d = envelope.data as EventData<'DevicePaired'>;
        await client.query(
          `insert into ${s}.devices (device_id, workspace_id, user_id, status, platform, push_provider, public_jwk, paired_at)
           values ($1, $2, $3, 'active', $4, $5, $6, $7) on conflict (device_id) do nothing`,
          [d.deviceId, envelope.workspaceId, d.userId, d.platform, d.pushProvider, d.publicJwk, d.pairedAt],
        );
        if (d.replacedDeviceId) await client.query(`update ${s}.devices set status = 'revoked' where device_id = $1 and workspace_id = $2`, [d.replacedDeviceId, envelope.workspaceId]);
        return;
      }
      case 'DeviceRevoked': {
        const d = envelope.data as EventData<'DeviceRevoked'>;
        await client.query(`update ${s}.devices set status = 'revoked' where device_id = $1 and workspace_id = $2`, [d.deviceId, envelope.workspaceId]);
        return;
      }
      case 'UserMfaReset': {
        const d = envelope.data as EventData<'UserMfaReset'>;
        await client.query(`update ${s}.devices set status = 'revoked' where workspace_id = $1 and user_id = $2`, [envelope.workspaceId, d.userId]);
        return;
      }
      default:
        return;
    }
  }

  /** Settings of a workspace; null while its WorkspaceCreated has not arrived yet. */
  async settings(workspaceId: string, client: Pool | PoolClient = this.pool): Promise<WorkspaceSettings | null> {
    const { rows } = await client.query<{ settings: WorkspaceSettings }>(`select settings from ${this.schema}.workspaces where workspace_id = $1`, [workspaceId]);
    return rows[0] ? { ...DEFAULT_SETTINGS, ...rows[0].settings } : null;
  }

  async resolve(deviceId: string): Promise<DeviceKeyRecord | null> {
    const cached = this.activeKeys.get(deviceId);
    if (cached && cached.expiresAt > Date.now()) return cached.record;
    const generation = this.keysGeneration;
    const { rows } = await this.pool.query<{ device_id: string; user_id: string; workspace_id: string; status: 'active' | 'revoked'; public_jwk: unknown }>(
      `select device_id, user_id, workspace_id, status, public_jwk from ${this.schema}.devices where device_id = $1`,
      [deviceId],
    );
    const row = rows[0];
    if (!row) return null;
    const record: DeviceKeyRecord = { deviceId: row.device_id, userId: row.user_id, workspaceId: row.workspace_id, status: row.status, publicJwk: row.public_jwk };
    if (record.status === 'active' && generation === this.keysGeneration) {
      if (this.activeKeys.size >= 10_000) this.activeKeys.clear();
      this.activeKeys.set(deviceId, { record, expiresAt: Date.now() + this.keyCacheTtlMs });
    }
    return record;
  }
}
