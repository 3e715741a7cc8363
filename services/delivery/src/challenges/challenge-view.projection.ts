import type { PoolClient } from 'pg';
import type { ContractEnvelope, EventType } from '@pushmfa/contracts';
import type { ChallengeViewStatus } from './challenge-view';

const RESOLVED_STATUS = {
  ChallengeApproved: 'approved',
  ChallengeDenied: 'denied',
  ChallengeExpired: 'expired',
  ChallengeCancelled: 'cancelled',
} as const satisfies Partial<Record<EventType, ChallengeViewStatus>>;

const isResolution = (envelope: ContractEnvelope): envelope is ContractEnvelope<keyof typeof RESOLVED_STATUS> => Object.hasOwn(RESOLVED_STATUS, envelope.type);

/**
 * Applies one challenge event to `<schema>.challenges` inside the caller's (inbox) transaction.
 * A resolution is final: a late `ChallengeIssued` or resend never makes a resolved challenge pending again.
 */
export async function applyChallengeEvent(client: PoolClient, schema: string, envelope: ContractEnvelope): Promise<void> {
  const workspaceId = envelope.workspaceId;
  if (envelope.type === 'ChallengeIssued') {
    const d = envelope.data;
    const targets = d.devices.map((device) => ({ deviceId: device.deviceId, pushProvider: device.pushProvider }));
    await client.query(
      `insert into ${schema}.challenges (workspace_id, challenge_id, user_id, status, expires_at, target_devices, context)
       values ($1, $2, $3, 'pending', $4, $5, $6)
       on conflict (workspace_id, challenge_id) do update set target_devices = excluded.target_devices,
         context = excluded.context, updated_at = now()`,
      [workspaceId, d.challengeId, d.userId, d.expiresAt, JSON.stringify(targets), JSON.stringify(d.context)],
    );
    return;
  }
  if (envelope.type === 'ChallengeResendRequested') {
    const d = envelope.data;
    await client.query(
      `update ${schema}.challenges set expires_at = $3, updated_at = now()
       where workspace_id = $1 and challenge_id = $2 and status = 'pending'`,
      [workspaceId, d.challengeId, d.expiresAt],
    );
    return;
  }
  if (isResolution(envelope)) {
    const resolved = RESOLVED_STATUS[envelope.type];
    const d = envelope.data;
    // An upsert, so a resolution that overtakes its ChallengeIssued still blocks the push that follows.
    await client.query(
      `insert into ${schema}.challenges (workspace_id, challenge_id, user_id, status, expires_at, target_devices, context)
       values ($1, $2, $3, $4, now(), '[]', '{}')
       on conflict (workspace_id, challenge_id) do update set status = excluded.status, updated_at = now()
       where ${schema}.challenges.status = 'pending'`,
      [workspaceId, d.challengeId, d.userId, resolved],
    );
  }
}
