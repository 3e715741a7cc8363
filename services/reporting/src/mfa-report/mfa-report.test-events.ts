import { randomUUID } from 'node:crypto';
import type { EventData } from '@pushmfa/contracts';
import type { ReportEvent, ReportEventType } from './mfa-report.events';

/** Test-only builders of the contract events one challenge goes through; `second` is seconds after a fixed noon. */
export interface ChallengeIds {
  workspaceId: string;
  challengeId: string;
  userId: string;
}

export const timeAt = (second: number) => new Date(Date.UTC(2025, 0, 1, 12, 0, second)).toISOString();

export function challengeEvents(ids: ChallengeIds) {
  const event = <T extends ReportEventType>(type: T, data: Partial<EventData<T>>, second: number): ReportEvent =>
    ({
      id: randomUUID(),
      type,
      version: 1,
      occurredAt: timeAt(second),
      workspaceId: ids.workspaceId,
      streamId: ids.challengeId,
      correlationId: `corr-${ids.challengeId}`,
      data: { challengeId: ids.challengeId, userId: ids.userId, ...data },
    }) as unknown as ReportEvent;
  const push = { provider: 'fcm' as const, attempt: 1 };
  return {
    issued: (deviceIds: string[] = ['d1'], second = 0) =>
      event(
        'ChallengeIssued',
        {
          createdAt: timeAt(second),
          expiresAt: timeAt(second + 59),
          numberMatchRequired: true,
          context: { ipAddress: '203.0.113.7', application: 'VPN' },
          devices: deviceIds.map((deviceId) => ({ deviceId, pushProvider: 'fcm' as const, platform: 'android' as const })),
        },
        second,
      ),
    dispatched: (deviceId: string, second: number) => event('PushDispatched', { ...push, deviceId, providerMessageId: 'm-1', latencyMs: 40 }, second),
    attemptFailed: (deviceId: string, second: number) => event('PushAttemptFailed', { ...push, deviceId, reason: 'unavailable', retryInMs: 500 }, second),
    pushFailed: (deviceId: string, second: number) => event('PushFailed', { ...push, deviceId, reason: 'gave up' }, second),
    rejected: (deviceId: string, second: number) => event('PushRejected', { ...push, deviceId, reason: 'unregistered' }, second),
    received: (deviceId: string, second: number) => event('ChallengeReceived', { deviceId, receivedAt: timeAt(second) }, second),
    approved: (deviceId: string, second: number) => event('ChallengeApproved', { deviceId, resolvedAt: timeAt(second) }, second),
    denied: (deviceId: string, second: number, reason: 'user_denied' | 'number_mismatch' | 'fraud' = 'user_denied') =>
      event('ChallengeDenied', { deviceId, resolvedAt: timeAt(second), reason }, second),
    expired: (second: number) => event('ChallengeExpired', { resolvedAt: timeAt(second) }, second),
    cancelled: (second: number, reason?: 'platform' | 'push_locked' | 'superseded', supersededBy?: string) =>
      event('ChallengeCancelled', { resolvedAt: timeAt(second), ...(reason ? { reason } : {}), ...(supersededBy ? { supersededBy } : {}) }, second),
    fraudReported: (deviceId: string, second: number, challengeStatus?: 'approved' | 'denied' | 'expired' | 'cancelled') =>
      event('FraudReported', { deviceId, lockedUntil: timeAt(second + 900), ...(challengeStatus ? { challengeStatus } : {}) }, second),
    pushLocked: (second: number, consecutiveMismatches = 3) =>
      event('PushLocked', { reason: 'number_mismatch', lockedUntil: timeAt(second + 900), consecutiveMismatches }, second),
    pushUnlocked: (second: number, previousReason: 'fraud_report' | 'number_mismatch', previousLockedUntil: string, keyId = 'admin-key-1') =>
      event('PushUnlocked', { unlockedAt: timeAt(second), unlockedBy: { keyId }, previousReason, previousLockedUntil }, second),
    pushLockLifted: (second: number, reason: 'fraud_report' | 'number_mismatch', lockedUntil: string, liftedBy = 'admin-key-1') =>
      event('PushLockLifted', { liftedBy, reason, lockedUntil }, second),
  };
}

export const WORKSPACE_ID = 'ws-1';
export const CHALLENGE_ID = 'ch-1';
export const {
  issued,
  dispatched,
  attemptFailed,
  pushFailed,
  rejected,
  received,
  approved,
  denied,
  expired,
  cancelled,
  fraudReported,
  pushLocked,
  pushUnlocked,
  pushLockLifted,
} = challengeEvents({ workspaceId: WORKSPACE_ID, challengeId: CHALLENGE_ID, userId: 'alice@example.com' });
