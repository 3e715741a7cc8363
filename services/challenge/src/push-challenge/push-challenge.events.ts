import type { ChallengeContext } from '@pushmfa/contracts';
import { type DomainEvent, StoredEventReader } from '@pushmfa/event-store';

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
  | DomainEvent<
      'ChallengeIssued',
      {
        challengeId: string;
        workspaceId: string;
        userId: string;
        createdAt: string;
        expiresAt: string;
        numberMatch?: string;
        context: ChallengeContext;
        devices: TargetDevice[];
      }
    >
  | DomainEvent<
      'ChallengeApproved',
      /**
       * `method` `offline_code`: the platform approved with the code `deviceId`'s app showed for time step
       * `offlineCodeStep` (kept here so that code is never accepted again; not published).
       */
      { challengeId: string; userId: string; deviceId: string; resolvedAt: string; method?: 'push' | 'offline_code'; offlineCodeStep?: number }
    >
  | DomainEvent<
      'ChallengeDenied',
      { challengeId: string; userId: string; deviceId: string; resolvedAt: string; reason: 'user_denied' | 'number_mismatch' | 'fraud' }
    >
  | DomainEvent<'ChallengeCancelled', { challengeId: string; userId: string; resolvedAt: string; reason: CancelReason }>
  | DomainEvent<'ChallengeExpired', { challengeId: string; userId: string; resolvedAt: string }>
  | DomainEvent<'ChallengeReceived', { challengeId: string; userId: string; deviceId: string; receivedAt: string }>
  | DomainEvent<'ChallengeResendRequested', { challengeId: string; userId: string; attempt: number; expiresAt: string; requestedAt: string }>
  | DomainEvent<
      'FraudReported',
      { challengeId: string; userId: string; deviceId: string; lockedUntil: string; challengeStatus?: 'approved' | 'denied' | 'expired' | 'cancelled' }
    >
  | DomainEvent<
      'PushLocked',
      {
        challengeId: string;
        userId: string;
        /** `consecutiveMismatches`: wrong numbers in a row, or wrong offline codes in a row (`offline_code`). */
        reason: 'number_mismatch' | 'offline_code';
        lockedUntil: string;
        consecutiveMismatches: number;
      }
    >
  /** A wrong offline code for this pending challenge: the `failures`-th in a row of the user's. Internal, not published. */
  | DomainEvent<'OfflineCodeRejected', { challengeId: string; userId: string; failures: number; rejectedAt: string }>;

/**
 * Reads the challenge stream's stored events as today's shapes. The first version stored ChallengeCancelled without
 * `reason` (every cancellation then was the platform's) and ChallengeResendRequested without `requestedAt` (the
 * event was recorded when it was requested).
 */
export const pushChallengeEvents = new StoredEventReader<PushChallengeEvent>({
  ChallengeIssued: true,
  ChallengeApproved: true,
  ChallengeDenied: true,
  ChallengeCancelled: (stored) => {
    const data = stored as Omit<CancelledData, 'reason'> & Partial<Pick<CancelledData, 'reason'>>;
    return { ...data, reason: data.reason ?? 'platform' };
  },
  ChallengeExpired: true,
  ChallengeReceived: true,
  ChallengeResendRequested: (stored, recorded) => {
    const data = stored as Omit<ResendData, 'requestedAt'> & Partial<Pick<ResendData, 'requestedAt'>>;
    return { ...data, requestedAt: data.requestedAt ?? recorded.recordedAt.toISOString() };
  },
  FraudReported: true,
  PushLocked: true,
  OfflineCodeRejected: true,
});

type CancelledData = Extract<PushChallengeEvent, { type: 'ChallengeCancelled' }>['data'];
type ResendData = Extract<PushChallengeEvent, { type: 'ChallengeResendRequested' }>['data'];

/** Why a challenge was cancelled: the platform asked, or push locked for the user while it was pending. */
export type CancelReason = 'platform' | 'push_locked';

/** Events after which push is locked for the challenge's user. */
export const LOCKING_EVENT_TYPES: ReadonlySet<PushChallengeEvent['type']> = new Set(['FraudReported', 'PushLocked']);

/** Events after which a challenge is no longer pending. */
export const RESOLVING_EVENT_TYPES: ReadonlySet<PushChallengeEvent['type']> = new Set([
  'ChallengeApproved',
  'ChallengeDenied',
  'ChallengeCancelled',
  'ChallengeExpired',
]);

export const challengeStreamId = (challengeId: string) => `challenge-${challengeId}`;

/** The lock a user's push lock row describes: why, until when, and the challenge that caused it (absent on old rows). */
export type PushLockReason = 'fraud_report' | 'number_mismatch' | 'offline_code';

/**
 * Events of a user's push stream (`push-user-<workspaceId>-<userId>`): what is decided about a user with no challenge
 * to record it on. PushUnlocked: an admin lifted the user's push lock (and wrong-number streak).
 */
export type PushUserEvent = DomainEvent<
  'PushUnlocked',
  {
    userId: string;
    unlockedAt: string;
    unlockedBy: { keyId: string };
    challengeId?: string;
    previousReason?: PushLockReason;
    previousLockedUntil?: string;
  }
>;

export const pushUserEvents = new StoredEventReader<PushUserEvent>({ PushUnlocked: true });

export const pushUserStreamId = (workspaceId: string, userId: string) => `push-user-${workspaceId}-${userId}`;
