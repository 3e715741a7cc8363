import type { ChallengeContext } from '@pushmfa/contracts';
import type { DomainEvent } from '@pushmfa/event-store';

export interface TargetDevice {
  deviceId: string;
  pushProvider: 'fcm' | 'apns';
  platform: 'android' | 'ios';
}

/**
 * Events of the challenge stream (`challenge-<id>`). `numberMatch` lives only in this store: the mapper to Kafka
 * leaves it out, and no read model outside this service ever sees it.
 */
export type PushChallengeEvent =
  | DomainEvent<'ChallengeIssued', { challengeId: string; workspaceId: string; userId: string; createdAt: string; expiresAt: string; numberMatch?: string; context: ChallengeContext; devices: TargetDevice[] }>
  | DomainEvent<'ChallengeApproved', { challengeId: string; userId: string; deviceId: string; resolvedAt: string }>
  | DomainEvent<'ChallengeDenied', { challengeId: string; userId: string; deviceId: string; resolvedAt: string; reason: 'user_denied' | 'number_mismatch' | 'fraud' }>
  | DomainEvent<'ChallengeCancelled', { challengeId: string; userId: string; resolvedAt: string; reason?: CancelReason }>
  | DomainEvent<'ChallengeExpired', { challengeId: string; userId: string; resolvedAt: string }>
  | DomainEvent<'ChallengeReceived', { challengeId: string; userId: string; deviceId: string; receivedAt: string }>
  | DomainEvent<'ChallengeResendRequested', { challengeId: string; userId: string; attempt: number; expiresAt: string; requestedAt?: string }>
  | DomainEvent<'FraudReported', { challengeId: string; userId: string; deviceId: string; lockedUntil: string; challengeStatus?: 'approved' | 'denied' | 'expired' | 'cancelled' }>
  | DomainEvent<'PushLocked', { challengeId: string; userId: string; reason: 'number_mismatch'; lockedUntil: string; consecutiveMismatches: number }>;

/** Why a challenge was cancelled: the platform asked, or push locked for the user while it was pending. */
export type CancelReason = 'platform' | 'push_locked';

/** Events after which push is locked for the challenge's user. */
export const LOCKING_EVENT_TYPES: ReadonlySet<PushChallengeEvent['type']> = new Set(['FraudReported', 'PushLocked']);

/** Events after which a challenge is no longer pending. */
export const RESOLVING_EVENT_TYPES: ReadonlySet<PushChallengeEvent['type']> = new Set(['ChallengeApproved', 'ChallengeDenied', 'ChallengeCancelled', 'ChallengeExpired']);

export const challengeStreamId = (challengeId: string) => `challenge-${challengeId}`;
