import type { ChallengeContext, NumberMatchingStyle, RiskSignal } from '@pushmfa/contracts';
import { type Decider, DomainError } from '@pushmfa/event-store';
import type { CancelReason, ChallengeFactor, PushChallengeEvent, TargetDevice } from './push-challenge.events';

/** API.md: at most 3 resends of one challenge. */
export const MAX_RESENDS = 3;

/** Issue 14: wrong offline codes in a row that lock push for the user, as wrong numbers do. */
export const OFFLINE_CODE_LOCK_THRESHOLD = 5;

/**
 * What an offline code matched among the user's active devices (judged outside, where the secrets are opened): a
 * device and the time step of its code, a code that device has used already (that step or an earlier one), or none.
 */
export type OfflineCodeMatch = { outcome: 'matched'; deviceId: string; step: number } | { outcome: 'replayed'; deviceId: string } | { outcome: 'none' };

interface Issued {
  challengeId: string;
  workspaceId: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  numberMatch?: string;
  context: ChallengeContext;
  devices: TargetDevice[];
  poolId?: string;
  factor?: ChallengeFactor;
  secondFactor?: { methods: string[]; preferred: string | null };
  numberMatching?: NumberMatchingStyle;
  numberChoices?: string[];
  riskSignals?: RiskSignal[];
}

/** What the stream has recorded besides the outcome. */
interface Progress {
  receivedBy: string[];
  resendAttempts: number;
  /** Fraud reports recorded on this challenge, whatever its status was then. */
  fraudReports: { deviceId: string; lockedUntil: string }[];
}

/** The user's push lock and wrong-number streak, read under the user's lock in the command's own transaction. */
export interface UserPushGuard {
  /** Set while push is locked for the user. */
  lockedUntil?: string;
  /** Wrong numbers in a row since the user's last approval or lock. */
  consecutiveMismatches: number;
}

/** Why one more push to the user is refused now (API.md's order: push_locked, then rate_limited). */
export type PushRefusal = { code: 'push_locked'; retryAfterSeconds: number } | { code: 'rate_limited'; retryAfterSeconds: number };

type Resolution = { decision: 'approve' | 'deny'; deviceId: string; resolvedAt: string; userVerified?: boolean };

export type PushChallengeState =
  | { status: 'absent' }
  | ({ status: 'pending' } & Issued & Progress)
  | ({ status: 'approved' } & Issued & Progress & Resolution)
  | ({ status: 'denied'; reason: 'user_denied' | 'number_mismatch' | 'fraud' } & Issued & Progress & Resolution)
  | ({ status: 'cancelled'; resolvedAt: string } & Issued & Progress)
  | ({ status: 'expired'; resolvedAt: string } & Issued & Progress);

export type PushChallengeCommand =
  | { type: 'IssueChallenge'; issued: Issued }
  | {
      type: 'RespondToChallenge';
      deviceId: string;
      decision: 'approve' | 'deny';
      numberMatch?: string;
      /** The app states (in the signed body) that the user passed the device's biometric or PIN check. */
      userVerified?: boolean;
      fraud: boolean;
      fraudLockMinutes: number;
      /** Wrong numbers in a row that lock push (0 or absent: never). */
      numberMismatchLockThreshold?: number;
      /** The user's lock and streak; absent: not locked, no streak. */
      user?: UserPushGuard;
      now: Date;
    }
  | {
      type: 'ApproveWithOfflineCode';
      /** The workspace's `offlineCodesEnabled`. */
      enabled: boolean;
      match: OfflineCodeMatch;
      /** Wrong offline codes in a row of the user's before this one. */
      failures: number;
      fraudLockMinutes: number;
      /** The user's lock; absent: not locked. */
      user?: UserPushGuard;
      now: Date;
    }
  /** `supersededBy`: the newer challenge that took this one's place (with reason `superseded`). */
  | { type: 'CancelChallenge'; now: Date; reason?: CancelReason; supersededBy?: string }
  | { type: 'ExpireChallenge'; now: Date }
  | { type: 'AcknowledgeReceipt'; deviceId: string; now: Date }
  /** `refusal`: the user's lock or push budget says no to one more push (decided after the challenge's own checks, except the lock). */
  | { type: 'ResendChallenge'; now: Date; refusal?: PushRefusal | null };

/** Status the caller sees: a pending challenge past its expiry is expired (judged by the server's clock) before the timer records it. */
export function visibleChallengeStatus(state: PushChallengeState, now: Date): PushChallengeState['status'] {
  if (state.status === 'pending' && now.getTime() >= Date.parse(state.expiresAt)) return 'expired';
  return state.status;
}

export const pushChallengeDecider: Decider<PushChallengeState, PushChallengeCommand, PushChallengeEvent> = {
  initialState: () => ({ status: 'absent' }),

  evolve(state, event) {
    if (event.type === 'ChallengeIssued') return { status: 'pending', ...event.data, receivedBy: [], resendAttempts: 0, fraudReports: [] };
    if (event.type === 'FraudReported') {
      // Recorded in any status: a report after the decision is as much a report.
      if (state.status === 'absent') return state;
      return { ...state, fraudReports: [...state.fraudReports, { deviceId: event.data.deviceId, lockedUntil: event.data.lockedUntil }] };
    }
    if (state.status !== 'pending') return state;
    switch (event.type) {
      case 'ChallengeApproved':
        return {
          ...state,
          status: 'approved',
          decision: 'approve',
          deviceId: event.data.deviceId,
          resolvedAt: event.data.resolvedAt,
          ...(event.data.userVerified ? { userVerified: true } : {}),
        };
      case 'ChallengeDenied':
        return { ...state, status: 'denied', decision: 'deny', reason: event.data.reason, deviceId: event.data.deviceId, resolvedAt: event.data.resolvedAt };
      case 'ChallengeCancelled':
        return { ...state, status: 'cancelled', resolvedAt: event.data.resolvedAt };
      case 'ChallengeExpired':
        return { ...state, status: 'expired', resolvedAt: event.data.resolvedAt };
      case 'ChallengeReceived':
        return { ...state, receivedBy: [...state.receivedBy, event.data.deviceId] };
      case 'ChallengeResendRequested':
        return { ...state, resendAttempts: event.data.attempt };
      case 'PushLocked':
      case 'OfflineCodeRejected':
        return state;
      default: {
        const unexpected: never = event;
        return unexpected;
      }
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'IssueChallenge':
        if (state.status !== 'absent') throw new DomainError('challenge_not_pending', 'the challenge exists already');
        return [{ type: 'ChallengeIssued', data: command.issued }];
      case 'RespondToChallenge':
        return respond(command, state);
      case 'ApproveWithOfflineCode':
        return approveWithOfflineCode(command, state);
      case 'CancelChallenge': {
        if (state.status === 'cancelled') return [];
        const pending = requirePending(state, command.now);
        const reason = command.reason ?? 'platform';
        if ((reason === 'superseded') !== (command.supersededBy !== undefined))
          throw new DomainError('validation_failed', 'a challenge is superseded by a named newer challenge, and only then');
        const data = { challengeId: pending.challengeId, userId: pending.userId, resolvedAt: command.now.toISOString(), reason };
        return [{ type: 'ChallengeCancelled', data: command.supersededBy === undefined ? data : { ...data, supersededBy: command.supersededBy } }];
      }
      case 'ExpireChallenge':
        // The timer may fire for a challenge already resolved, or early on a skewed clock: nothing to record then.
        if (state.status !== 'pending' || visibleChallengeStatus(state, command.now) !== 'expired') return [];
        return [{ type: 'ChallengeExpired', data: { challengeId: state.challengeId, userId: state.userId, resolvedAt: state.expiresAt } }];
      case 'AcknowledgeReceipt':
        return acknowledgeReceipt(command, state);
      case 'ResendChallenge': {
        if (state.status === 'absent') throw new DomainError('not_found', 'no such challenge');
        // While push is locked nothing reaches the user, and the locked challenge itself was cancelled: say why.
        const { refusal } = command;
        if (refusal?.code === 'push_locked')
          throw new DomainError('push_locked', 'push is locked for this user', { retryAfterSeconds: refusal.retryAfterSeconds });
        const pending = requirePending(state, command.now);
        if (pending.resendAttempts >= MAX_RESENDS) throw new DomainError('resend_limit_reached', `a challenge is resent at most ${MAX_RESENDS} times`);
        if (refusal) throw new DomainError('rate_limited', 'too many pushes for this user; try again later', { retryAfterSeconds: refusal.retryAfterSeconds });
        const data = {
          challengeId: pending.challengeId,
          userId: pending.userId,
          attempt: pending.resendAttempts + 1,
          expiresAt: pending.expiresAt,
          requestedAt: command.now.toISOString(),
        };
        return [{ type: 'ChallengeResendRequested', data }];
      }
      default: {
        const unexpected: never = command;
        return unexpected;
      }
    }
  },
};

function respond(command: Extract<PushChallengeCommand, { type: 'RespondToChallenge' }>, state: PushChallengeState): PushChallengeEvent[] {
  const issued = requireTargetDevice(state, command.deviceId);
  if (command.decision === 'deny' && command.fraud) return reportFraud(command, issued);
  // First response wins; the same answer repeated (an app retrying) is not an error.
  if ((state.status === 'approved' || state.status === 'denied') && state.decision === command.decision) return [];
  const lockedUntil = command.user?.lockedUntil;
  // No approval while push is locked, whatever the challenge: the lock was decided under the same user lock.
  if (command.decision === 'approve' && lockedUntil !== undefined) {
    throw new DomainError('push_locked', 'push is locked for this user after a fraud report or repeated wrong numbers', {
      retryAfterSeconds: Math.max(1, Math.ceil((Date.parse(lockedUntil) - command.now.getTime()) / 1000)),
    });
  }
  const pending = requirePending(state, command.now);
  const base = { challengeId: pending.challengeId, userId: pending.userId, deviceId: command.deviceId, resolvedAt: command.now.toISOString() };
  if (command.decision === 'deny') return [{ type: 'ChallengeDenied', data: { ...base, reason: 'user_denied' } }];
  // Passwordless push signs the user in: only a user the device verified may approve it. Refused, it stays pending.
  if (pending.factor === 'first' && command.userVerified !== true) {
    throw new DomainError('user_verification_required', 'a first-factor push is approved only after the app verified the user (biometric or PIN)');
  }
  if (pending.numberMatch !== undefined && command.numberMatch !== pending.numberMatch) {
    const denied: PushChallengeEvent = { type: 'ChallengeDenied', data: { ...base, reason: 'number_mismatch' } };
    const mismatches = (command.user?.consecutiveMismatches ?? 0) + 1;
    const threshold = command.numberMismatchLockThreshold ?? 0;
    if (threshold === 0 || mismatches < threshold) return [denied];
    const lockedUntil = lockEnd(command);
    return [
      denied,
      {
        type: 'PushLocked',
        data: { challengeId: pending.challengeId, userId: pending.userId, reason: 'number_mismatch', lockedUntil, consecutiveMismatches: mismatches },
      },
    ];
  }
  return [{ type: 'ChallengeApproved', data: command.userVerified ? { ...base, userVerified: true } : base }];
}

/**
 * The platform approves with the code the user read from the app when no push arrived. Refused, in this order: the
 * workspace turned offline codes off, push is locked for the user, the challenge is no longer pending; a code used
 * before approves nothing (and is not counted as wrong). A wrong code leaves the challenge pending for another try;
 * the OFFLINE_CODE_LOCK_THRESHOLD-th wrong code in a row locks push for the user and cancels this challenge.
 */
function approveWithOfflineCode(command: Extract<PushChallengeCommand, { type: 'ApproveWithOfflineCode' }>, state: PushChallengeState): PushChallengeEvent[] {
  if (state.status === 'absent') throw new DomainError('not_found', 'no such challenge');
  if (!command.enabled) throw new DomainError('offline_codes_disabled', 'offline codes are turned off for this workspace');
  const lockedUntil = command.user?.lockedUntil;
  if (lockedUntil !== undefined) {
    throw new DomainError('push_locked', 'push is locked for this user after a fraud report or repeated wrong answers', {
      retryAfterSeconds: Math.max(1, Math.ceil((Date.parse(lockedUntil) - command.now.getTime()) / 1000)),
    });
  }
  const pending = requirePending(state, command.now);
  const { match, now } = command;
  const at = now.toISOString();
  switch (match.outcome) {
    case 'matched':
      return [
        {
          type: 'ChallengeApproved',
          data: {
            challengeId: pending.challengeId,
            userId: pending.userId,
            deviceId: match.deviceId,
            resolvedAt: at,
            method: 'offline_code',
            offlineCodeStep: match.step,
          },
        },
      ];
    case 'replayed':
      throw new DomainError('offline_code_replayed', 'this offline code was used already; wait for the next one the app shows');
    case 'none': {
      const failures = command.failures + 1;
      const rejected: PushChallengeEvent = {
        type: 'OfflineCodeRejected',
        data: { challengeId: pending.challengeId, userId: pending.userId, failures, rejectedAt: at },
      };
      if (failures < OFFLINE_CODE_LOCK_THRESHOLD) return [rejected];
      return [
        rejected,
        {
          type: 'PushLocked',
          data: {
            challengeId: pending.challengeId,
            userId: pending.userId,
            reason: 'offline_code',
            lockedUntil: lockEnd(command),
            consecutiveMismatches: failures,
          },
        },
        { type: 'ChallengeCancelled', data: { challengeId: pending.challengeId, userId: pending.userId, resolvedAt: at, reason: 'push_locked' } },
      ];
    }
    default: {
      const unexpected: never = match;
      return unexpected;
    }
  }
}

/**
 * A fraud report is recorded whatever the challenge's status: it denies a pending challenge, and after a decision
 * (a plain deny, a wrong number, an approval, from this device or another), an expiry or a cancellation it is
 * recorded beside that outcome. Either way push locks for the user. Only the same device repeating its report
 * while the lock it set still holds (an app retrying) records nothing new.
 */
function reportFraud(
  command: Extract<PushChallengeCommand, { type: 'RespondToChallenge' }>,
  state: Exclude<PushChallengeState, { status: 'absent' }>,
): PushChallengeEvent[] {
  const stillLocked = command.user?.lockedUntil !== undefined;
  if (stillLocked && state.fraudReports.some((report) => report.deviceId === command.deviceId)) return [];
  const lockedUntil = lockEnd(command);
  const report = { challengeId: state.challengeId, userId: state.userId, deviceId: command.deviceId, lockedUntil };
  const status = visibleChallengeStatus(state, command.now);
  if (status === 'pending' || status === 'absent') {
    return [
      {
        type: 'ChallengeDenied',
        data: { challengeId: state.challengeId, userId: state.userId, deviceId: command.deviceId, resolvedAt: command.now.toISOString(), reason: 'fraud' },
      },
      { type: 'FraudReported', data: report },
    ];
  }
  return [{ type: 'FraudReported', data: { ...report, challengeStatus: status } }];
}

function lockEnd(command: { now: Date; fraudLockMinutes: number }): string {
  return new Date(command.now.getTime() + command.fraudLockMinutes * 60_000).toISOString();
}

function acknowledgeReceipt(command: Extract<PushChallengeCommand, { type: 'AcknowledgeReceipt' }>, state: PushChallengeState): PushChallengeEvent[] {
  const issued = requireTargetDevice(state, command.deviceId);
  // Idempotent: a receipt is recorded once per device, and only while the challenge can still be answered.
  if (issued.receivedBy.includes(command.deviceId) || visibleChallengeStatus(issued, command.now) !== 'pending') return [];
  return [
    {
      type: 'ChallengeReceived',
      data: { challengeId: issued.challengeId, userId: issued.userId, deviceId: command.deviceId, receivedAt: command.now.toISOString() },
    },
  ];
}

function requireTargetDevice(state: PushChallengeState, deviceId: string) {
  if (state.status === 'absent' || !state.devices.some((d) => d.deviceId === deviceId)) throw new DomainError('not_found', 'no such challenge');
  return state;
}

function requirePending(state: PushChallengeState, now: Date) {
  if (state.status === 'absent') throw new DomainError('not_found', 'no such challenge');
  if (visibleChallengeStatus(state, now) === 'expired') throw new DomainError('challenge_expired', 'the challenge has expired');
  if (state.status !== 'pending') throw new DomainError('challenge_not_pending', `the challenge is ${state.status}`);
  return state;
}
