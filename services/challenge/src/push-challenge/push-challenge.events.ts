import type { ChallengeContext, NumberMatchingStyle, RiskSignal } from '@pushmfa/contracts';
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
        /** The user's identity pool when issued (absent before pools: the default one). */
        poolId?: string;
        /** The factor push stands for (absent before pools: second). */
        factor?: ChallengeFactor;
        /** First factor only: what the pool asks for as a second factor, for the status answer. */
        secondFactor?: { methods: string[]; preferred: string | null };
        /** The number matching style in force (absent before styles: `always` with a number, else `off`). */
        numberMatching?: NumberMatchingStyle;
        /** `choose`: the three numbers the app offers, shuffled; `numberMatch` is one of them. */
        numberChoices?: string[];
        /** `risk`: the signals that asked for the number (empty: none did, and there is no number). */
        riskSignals?: RiskSignal[];
      }
    >
  | DomainEvent<
      'ChallengeApproved',
      /**
       * `userVerified`: the app stated (signed) that the user passed the phone's own check. `method` `offline_code`: the
       * platform approved with the code `deviceId`'s app showed for time step `offlineCodeStep` (kept here so that code
       * is never accepted again; not published).
       */
      {
        challengeId: string;
        userId: string;
        deviceId: string;
        resolvedAt: string;
        userVerified?: boolean;
        method?: 'push' | 'offline_code';
        offlineCodeStep?: number;
      }
    >
  | DomainEvent<
      'ChallengeDenied',
      { challengeId: string; userId: string; deviceId: string; resolvedAt: string; reason: 'user_denied' | 'number_mismatch' | 'fraud' }
    >
  | DomainEvent<'ChallengeCancelled', { challengeId: string; userId: string; resolvedAt: string; reason: CancelReason; supersededBy?: string }>
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

export type ChallengeFactor = 'first' | 'second';

/**
 * Why a challenge was cancelled: the platform asked, push locked for the user while it was pending, or a newer
 * challenge of the user took its place (past the workspace's `maxPendingPerUser`).
 */
export type CancelReason = 'platform' | 'push_locked' | 'superseded';

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

/** Why push is locked for a user: a fraud report, wrong numbers in a row, or wrong offline codes in a row. */
export type PushLockReason = 'fraud_report' | 'number_mismatch' | 'offline_code';
