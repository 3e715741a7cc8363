import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { namedQuery, quoteLiteral, sendWithPrepares } from '@pushmfa/postgres';
import { type ContractEnvelope, DEFAULT_SETTINGS, type WorkspaceSettings } from '@pushmfa/contracts';
import type { DeviceKeyRecord, DeviceKeyResolver } from '@pushmfa/device-auth';
import type { ViewCurrency } from '@pushmfa/workspace-access';
import { userLockSql } from '../push-challenge/issuing/issue-admission';
import { liftPushLocksSql } from '../read-models/user-push-history.query';

/**
 * What the challenge service knows of the registry, learned from `pushmfa.registry.v1`: workspace settings and
 * active devices with their public keys. No secrets: keys arrive as hashes (ApiKeyDirectory), push tokens are not kept
 * (only their SHA-256, to find the device's own token in the logs it shares).
 * An admin's PushLockLifted lifts the user's push lock and wrong-number streak in the read models (applyLockLifts).
 *
 * Before a device's key is trusted, the view shows it is current (`currency`: it has applied the registry topic up
 * to the end it has now, or the request is refused with 503), so a device revoked or paired before the request is
 * refused or accepted accordingly. Keys are cached under the currency token they were read with and reused only
 * while it is unchanged.
 */
export class RegistryView implements DeviceKeyResolver {
  private readonly keys = new Map<string, { record: DeviceKeyRecord | null; token: string }>();
  /** The device key lookup ($1 the device), a named statement (`namedQuery`): its text built once. */
  private readonly deviceKeySql: string;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly currency: ViewCurrency,
  ) {
    this.deviceKeySql = `select device_id, user_id, workspace_id, status, public_jwk from ${schema}.devices where device_id = $1`;
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
      create index if not exists devices_by_user on ${this.schema}.devices (workspace_id, user_id) where status = 'active';
      create table if not exists ${this.schema}.pools (workspace_id text not null, pool_id text not null, policy jsonb not null, primary key (workspace_id, pool_id));
      create table if not exists ${this.schema}.user_pools (workspace_id text not null, user_id text not null, pool_id text not null, primary key (workspace_id, user_id));
      alter table ${this.schema}.devices add column if not exists push_token_sha256 text;`);
  }

  /** Applies one registry event inside the consumer's transaction; idempotent. */
  async apply(client: PoolClient, envelope: ContractEnvelope): Promise<void> {
    const s = this.schema;
    switch (envelope.type) {
      case 'WorkspaceCreated':
      case 'WorkspaceSettingsChanged': {
        const data = envelope.data;
        await client.query(
          `insert into ${s}.workspaces (workspace_id, settings) values ($1, $2) on conflict (workspace_id) do update set settings = excluded.settings`,
          [data.workspaceId, data.settings],
        );
        return;
      }
      case 'DevicePaired': {
        const d = envelope.data;
        await client.query(
          `insert into ${s}.devices (device_id, workspace_id, user_id, status, platform, push_provider, public_jwk, paired_at, push_token_sha256)
           values ($1, $2, $3, 'active', $4, $5, $6, $7, $8) on conflict (device_id) do nothing`,
          [d.deviceId, envelope.workspaceId, d.userId, d.platform, d.pushProvider, d.publicJwk, d.pairedAt, sha256Hex(d.pushToken)],
        );
        if (d.replacedDeviceId)
          await client.query(`update ${s}.devices set status = 'revoked' where device_id = $1 and workspace_id = $2`, [
            d.replacedDeviceId,
            envelope.workspaceId,
          ]);
        return;
      }
      case 'PushTokenRotated': {
        const d = envelope.data;
        await client.query(`update ${s}.devices set push_token_sha256 = $3 where device_id = $1 and workspace_id = $2`, [
          d.deviceId,
          envelope.workspaceId,
          sha256Hex(d.pushToken),
        ]);
        return;
      }
      case 'DeviceRevoked': {
        const d = envelope.data;
        await client.query(`update ${s}.devices set status = 'revoked' where device_id = $1 and workspace_id = $2`, [d.deviceId, envelope.workspaceId]);
        return;
      }
      case 'UserMfaReset': {
        const d = envelope.data;
        await client.query(`update ${s}.devices set status = 'revoked' where workspace_id = $1 and user_id = $2`, [envelope.workspaceId, d.userId]);
        return;
      }
      case 'PoolCreated':
      case 'PoolChanged': {
        const d = envelope.data;
        await client.query(
          `insert into ${s}.pools (workspace_id, pool_id, policy) values ($1, $2, $3) on conflict (workspace_id, pool_id) do update set policy = excluded.policy`,
          [envelope.workspaceId, d.poolId, d.pool],
        );
        return;
      }
      case 'PoolDeleted':
        await client.query(`delete from ${s}.pools where workspace_id = $1 and pool_id = $2`, [envelope.workspaceId, envelope.data.poolId]);
        return;
      case 'UserPoolAssigned': {
        const d = envelope.data;
        await client.query(
          `insert into ${s}.user_pools (workspace_id, user_id, pool_id) values ($1, $2, $3) on conflict (workspace_id, user_id) do update set pool_id = excluded.pool_id`,
          [envelope.workspaceId, d.userId, d.poolId],
        );
        return;
      }
      default:
        return;
    }
  }

  /**
   * Applies the batch's PushLockLifted events inside the consumer's transaction, so a lift is in force once the view
   * is current: the users' locks first (the one issuing and responding take, in a fixed order, so a lift and a new lock
   * are decided one after the other), then one statement for all lifts. Only the lock the admin lifted goes; a newer
   * one stays. Repeating it changes nothing.
   */
  async applyLockLifts(client: PoolClient, envelopes: readonly ContractEnvelope[]): Promise<void> {
    const lifts = envelopes.flatMap((envelope) =>
      envelope.type === 'PushLockLifted'
        ? [
            {
              workspace_id: envelope.workspaceId,
              user_id: envelope.data.userId,
              challenge_id: envelope.data.challengeId ?? null,
              lifted_at: envelope.occurredAt,
            },
          ]
        : [],
    );
    if (lifts.length === 0) return;
    const users = new Map(lifts.map((lift) => [`${lift.workspace_id}/${lift.user_id}`, { workspaceId: lift.workspace_id, userId: lift.user_id }]));
    const locks = [...users.keys()].sort().map((key) => userLockSql(client, users.get(key)!));
    await sendWithPrepares(client, [...locks, liftPushLocksSql(this.schema, quoteLiteral(JSON.stringify(lifts)))].join(';\n'));
  }

  /** Settings of a workspace; null while its WorkspaceCreated has not arrived yet. */
  async settings(workspaceId: string, client: Pool | PoolClient = this.pool): Promise<WorkspaceSettings | null> {
    const { rows } = await client.query<{ settings: WorkspaceSettings }>(`select settings from ${this.schema}.workspaces where workspace_id = $1`, [
      workspaceId,
    ]);
    return rows[0] ? { ...DEFAULT_SETTINGS, ...rows[0].settings } : null;
  }

  /** SHA-256 (hex) of the device's current push token, so shared logs can be redacted without keeping the token; null when unknown. */
  async pushTokenSha256(deviceId: string, workspaceId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ push_token_sha256: string | null }>(
      `select push_token_sha256 from ${this.schema}.devices where device_id = $1 and workspace_id = $2`,
      [deviceId, workspaceId],
    );
    return rows[0]?.push_token_sha256 ?? null;
  }

  lastResolved(deviceId: string): DeviceKeyRecord | undefined {
    return this.keys.get(deviceId)?.record ?? undefined;
  }

  async resolve(deviceId: string): Promise<DeviceKeyRecord | null> {
    const token = await this.currency.awaitCurrent();
    const cached = this.keys.get(deviceId);
    if (cached && cached.token === token) return cached.record;
    const { rows } = await this.pool.query<{ device_id: string; user_id: string; workspace_id: string; status: 'active' | 'revoked'; public_jwk: unknown }>(
      namedQuery(this.deviceKeySql, [deviceId]),
    );
    const row = rows[0];
    const record: DeviceKeyRecord | null = row
      ? { deviceId: row.device_id, userId: row.user_id, workspaceId: row.workspace_id, status: row.status, publicJwk: row.public_jwk }
      : null;
    if (this.keys.size >= 10_000) this.keys.clear();
    this.keys.set(deviceId, { record, token });
    return record;
  }
}

function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
