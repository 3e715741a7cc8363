import type { PoolClient } from 'pg';
import type { ContractEnvelope } from '@pushmfa/contracts';

/** Registry event types that change what delivery knows about devices; the rest are ignored. */
export const DEVICE_EVENT_TYPES = ['DevicePaired', 'PushTokenRotated', 'PushTokenInvalidated', 'DeviceRevoked', 'UserMfaReset'] as const;

/**
 * Applies one registry event to `<schema>.devices` inside the caller's (inbox) transaction.
 * Every statement is an upsert or a plain update, so replaying an event leaves the same rows.
 */
export async function applyDeviceEvent(client: PoolClient, schema: string, envelope: ContractEnvelope): Promise<void> {
  const workspaceId = envelope.workspaceId;
  switch (envelope.type) {
    case 'DevicePaired': {
      const d = envelope.data;
      await client.query(
        `insert into ${schema}.devices (workspace_id, device_id, user_id, push_provider, push_token, token_valid, revoked)
         values ($1, $2, $3, $4, $5, true, false)
         on conflict (workspace_id, device_id) do update set user_id = excluded.user_id,
           push_provider = excluded.push_provider, push_token = excluded.push_token, token_valid = true, updated_at = now()`,
        [workspaceId, d.deviceId, d.userId, d.pushProvider, d.pushToken],
      );
      if (d.replacedDeviceId) await revokeDevice(client, schema, workspaceId, d.replacedDeviceId);
      return;
    }
    case 'PushTokenRotated': {
      const d = envelope.data;
      await client.query(
        `update ${schema}.devices set push_token = $3, token_valid = true, updated_at = now()
         where workspace_id = $1 and device_id = $2`,
        [workspaceId, d.deviceId, d.pushToken],
      );
      return;
    }
    case 'PushTokenInvalidated': {
      const d = envelope.data;
      await client.query(`update ${schema}.devices set token_valid = false, updated_at = now() where workspace_id = $1 and device_id = $2`, [
        workspaceId,
        d.deviceId,
      ]);
      return;
    }
    case 'DeviceRevoked': {
      const d = envelope.data;
      await revokeDevice(client, schema, workspaceId, d.deviceId);
      return;
    }
    case 'UserMfaReset': {
      const d = envelope.data;
      await client.query(
        `update ${schema}.devices set revoked = true, updated_at = now()
         where workspace_id = $1 and (user_id = $2 or device_id = any($3::text[]))`,
        [workspaceId, d.userId, d.revokedDeviceIds],
      );
      return;
    }
    default:
      return;
  }
}

async function revokeDevice(client: PoolClient, schema: string, workspaceId: string, deviceId: string): Promise<void> {
  await client.query(`update ${schema}.devices set revoked = true, updated_at = now() where workspace_id = $1 and device_id = $2`, [workspaceId, deviceId]);
}
