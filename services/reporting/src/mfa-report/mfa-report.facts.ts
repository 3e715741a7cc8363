import type { ChallengeContext, NumberMatchingStyle, RiskSignal } from '@pushmfa/contracts';

/** How a challenge ended, as an admin reads it (API.md "MFA Report"). */
export type ResolutionOutcome = 'success' | 'denied' | 'expired' | 'cancelled';

export interface ResolutionFact {
  outcome: ResolutionOutcome;
  at: string;
  deviceId?: string;
  /** Why: a denial's reason (`user_denied`, `number_mismatch`, `fraud`) or a cancellation's (`platform`, `push_locked`, `superseded`). */
  reason?: string;
  /** The newer challenge that took this one's place (a cancellation with reason `superseded`). */
  supersededBy?: string;
  /** An approval with the app's offline code (no push answered). */
  method?: 'offline_code';
}

/** Push locked for the user by this challenge: after a fraud report on it, or at its wrong number that hit the threshold. */
export interface PushLockFact {
  reason: 'fraud_report' | 'number_mismatch' | 'offline_code';
  lockedUntil: string;
}

/** An admin lifted the lock this challenge caused: when, and with which admin key. */
export interface PushUnlockFact {
  unlockedAt: string;
  unlockedBy: { keyId: string };
}

/** What ChallengeIssued told us; absent until that event arrives (it may come after delivery events). */
export interface IssuedFact {
  userId: string;
  createdAt: string;
  expiresAt: string;
  context: ChallengeContext;
  targetDeviceIds: string[];
  /** The user's identity pool and the factor push stood for (absent on challenges issued before pools). */
  poolId?: string;
  factor?: 'first' | 'second';
  /** Whether the user had a number to match, the style in force and, for `risk`, the signals that fired (absent before styles). */
  numberMatchRequired?: boolean;
  numberMatching?: NumberMatchingStyle;
  riskSignals?: RiskSignal[];
}

/** Delivery outcomes seen for one device; each is the earliest time it happened. */
export interface DeviceDeliveryFacts {
  dispatchedAt?: string;
  attemptFailedAt?: string;
  failedAt?: string;
  rejectedAt?: string;
}

export interface TimelineEntry {
  /** Envelope id: a redelivered event adds nothing. */
  eventId: string;
  type: string;
  at: string;
  deviceId?: string;
  detail?: Record<string, unknown>;
}

/**
 * Everything known about one challenge, stored as facts rather than a status so that the status derived
 * from them does not depend on the order in which events of different topics arrive.
 */
export interface MfaReportFacts {
  workspaceId: string;
  challengeId: string;
  /** Known from any event of the challenge, so a row can be attributed before ChallengeIssued arrives. */
  userId?: string;
  issued?: IssuedFact;
  devices: Record<string, DeviceDeliveryFacts>;
  receivedAt?: string;
  resolution?: ResolutionFact;
  fraudReported: boolean;
  pushLock?: PushLockFact;
  /** Kept apart from `pushLock`, so the row is the same whichever of the lock and its unlock arrives first. */
  pushUnlock?: PushUnlockFact;
  timeline: TimelineEntry[];
}

export function initialReportFacts(workspaceId: string, challengeId: string): MfaReportFacts {
  return { workspaceId, challengeId, devices: {}, fraudReported: false, timeline: [] };
}
