import type { ContractEnvelope } from '@pushmfa/contracts';

/** The event names an endpoint subscribes to. */
export const WEBHOOK_EVENT_NAMES = ['fraud_reported', 'push_locked', 'push_unlocked', 'mfa_reset', 'device_revoked', 'diagnostics_shared'] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENT_NAMES)[number];

/** The contract events that become webhook events, and the name each goes out under. */
export const WEBHOOK_SOURCE_TYPES = {
  FraudReported: 'fraud_reported',
  PushLocked: 'push_locked',
  PushUnlocked: 'push_unlocked',
  PushLockLifted: 'push_unlocked',
  UserMfaReset: 'mfa_reset',
  DeviceRevoked: 'device_revoked',
  DiagnosticsShared: 'diagnostics_shared',
} as const satisfies Record<string, WebhookEventName>;

type SourceType = keyof typeof WEBHOOK_SOURCE_TYPES;
export type WebhookSourceEnvelope = ContractEnvelope<SourceType>;

/** The body a receiver gets: `id` is the event's (the same on every retry and every endpoint, to deduplicate by). */
export interface WebhookPayload {
  id: string;
  type: WebhookEventName;
  workspaceId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export function isWebhookSource(envelope: ContractEnvelope): envelope is WebhookSourceEnvelope {
  return Object.hasOwn(WEBHOOK_SOURCE_TYPES, envelope.type);
}

/**
 * The public body of a source event. Fields are copied one by one, never spread: a field added to the contract
 * reaches receivers only once it is chosen here (none of these events carries a secret or a push token; a
 * DiagnosticsShared goes out without its logs and health: the incident id is for the help desk to look up).
 */
export function webhookPayloadOf(envelope: WebhookSourceEnvelope): WebhookPayload {
  const head = { id: envelope.id, workspaceId: envelope.workspaceId, occurredAt: envelope.occurredAt };
  switch (envelope.type) {
    case 'FraudReported': {
      const { challengeId, userId, deviceId, lockedUntil, challengeStatus } = envelope.data;
      return { ...head, type: 'fraud_reported', data: { challengeId, userId, deviceId, lockedUntil, challengeStatus: challengeStatus ?? null } };
    }
    case 'PushLocked': {
      const { challengeId, userId, reason, lockedUntil, consecutiveMismatches } = envelope.data;
      return { ...head, type: 'push_locked', data: { challengeId, userId, reason, lockedUntil, consecutiveMismatches } };
    }
    case 'PushUnlocked': {
      const { userId, unlockedAt, unlockedBy, challengeId, previousReason, previousLockedUntil } = envelope.data;
      return {
        ...head,
        type: 'push_unlocked',
        data: {
          userId,
          unlockedAt,
          unlockedBy: { keyId: unlockedBy.keyId },
          challengeId: challengeId ?? null,
          previousReason: previousReason ?? null,
          previousLockedUntil: previousLockedUntil ?? null,
        },
      };
    }
    case 'PushLockLifted': {
      // The admin's lift at the registry, under the name and shape receivers already know.
      const { userId, liftedBy, challengeId, reason, lockedUntil } = envelope.data;
      return {
        ...head,
        type: 'push_unlocked',
        data: {
          userId,
          unlockedAt: envelope.occurredAt,
          unlockedBy: { keyId: liftedBy },
          challengeId: challengeId ?? null,
          previousReason: reason,
          previousLockedUntil: lockedUntil,
        },
      };
    }
    case 'UserMfaReset': {
      const { userId, revokedDeviceIds, resetBy } = envelope.data;
      return { ...head, type: 'mfa_reset', data: { userId, revokedDeviceIds, resetBy: { kind: resetBy.kind } } };
    }
    case 'DeviceRevoked': {
      const { deviceId, userId, reason, revokedBy } = envelope.data;
      return { ...head, type: 'device_revoked', data: { deviceId, userId, reason, revokedBy: { kind: revokedBy.kind } } };
    }
    case 'DiagnosticsShared': {
      const { incidentId, userId, deviceId, challengeId, sharedAt, expiresAt, appVersion, logs } = envelope.data;
      return {
        ...head,
        type: 'diagnostics_shared',
        data: { incidentId, userId, deviceId, challengeId: challengeId ?? null, sharedAt, expiresAt, appVersion: appVersion ?? null, lineCount: logs.length },
      };
    }
  }
}
