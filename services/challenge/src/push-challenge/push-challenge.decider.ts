import type { ChallengeContext } from '@pushmfa/contracts';
import { type Decider, DomainError } from '@pushmfa/event-store';
import type { PushChallengeEvent, TargetDevice } from './push-challenge.events';

/** API.md: at most 3 resends of one challenge. */
export const MAX_RESENDS = 3;

interface Issued {
  challengeId: string;
  workspaceId: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  numberMatch?: string;
  context: ChallengeContext;
  devices: TargetDevice[];
}

/** What the stream has recorded besides the outcome. */
interface Progress {
  receivedBy: string[];
  resendAttempts: number;
}

type Resolution = { decision: 'approve' | 'deny'; deviceId: string; resolvedAt: string };

export type PushChallengeState =
  | { status: 'absent' }
  | ({ status: 'pending' } & Issued & Progress)
  | ({ status: 'approved' } & Issued & Progress & Resolution)
  | ({ status: 'denied'; reason: 'user_denied' | 'number_mismatch' | 'fraud' } & Issued & Progress & Resolution)
  | ({ status: 'cancelled'; resolvedAt: string } & Issued & Progress)
  | ({ status: 'expired'; resolvedAt: string } & Issued & Progress);

export type PushChallengeCommand =
  | { type: 'IssueChallenge'; issued: Issued }
  | { type: 'RespondToChallenge'; deviceId: string; decision: 'approve' | 'deny'; numberMatch?: string; fraud: boolean; fraudLockMinutes: number; now: Date }
  | { type: 'CancelChallenge'; now: Date }
  | { type: 'ExpireChallenge'; now: Date }
  | { type: 'AcknowledgeReceipt'; deviceId: string; now: Date }
  | { type: 'ResendChallenge'; now: Date };

/** Status the caller sees: a pending challenge past its expiry is expired (judged by the server's clock) before the timer records it. */
export function visibleChallengeStatus(state: PushChallengeState, now: Date): PushChallengeState['status'] {
  if (state.status === 'pending' && now.getTime() >= Date.parse(state.expiresAt)) return 'expired';
  return state.status;
}

export const pushChallengeDecider: Decider<PushChallengeState, PushChallengeCommand, PushChallengeEvent> = {
  initialState: () => ({ status: 'absent' }),

  evolve(state, event) {
    if (event.type === 'ChallengeIssued') return { status: 'pending', ...event.data, receivedBy: [], resendAttempts: 0 };
    if (state.status !== 'pending') return state;
    switch (event.type) {
      case 'ChallengeApproved':
        return { ...state, status: 'approved', decision: 'approve', deviceId: event.data.deviceId, resolvedAt: event.data.resolvedAt };
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
      case 'FraudReported':
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
      case 'CancelChallenge': {
        if (state.status === 'cancelled') return [];
        const pending = requirePending(state, command.now);
        return [{ type: 'ChallengeCancelled', data: { challengeId: pending.challengeId, userId: pending.userId, resolvedAt: command.now.toISOString() } }];
      }
      case 'ExpireChallenge':
        // The timer may fire for a challenge already resolved, or early on a skewed clock: nothing to record then.
        if (state.status !== 'pending' || visibleChallengeStatus(state, command.now) !== 'expired') return [];
        return [{ type: 'ChallengeExpired', data: { challengeId: state.challengeId, userId: state.userId, resolvedAt: state.expiresAt } }];
      case 'AcknowledgeReceipt':
        return acknowledgeReceipt(command, state);
      case 'ResendChallenge': {
        const pending = requirePending(state, command.now);
        if (pending.resendAttempts >= MAX_RESENDS) throw new DomainError('resend_limit_reached', `a challenge is resent at most ${MAX_RESENDS} times`);
        const data = { challengeId: pending.challengeId, userId: pending.userId, attempt: pending.resendAttempts + 1, expiresAt: pending.expiresAt };
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
  requireTargetDevice(state, command.deviceId);
  // First response wins; the same answer repeated (an app retrying) is not an error.
  if ((state.status === 'approved' || state.status === 'denied') && state.decision === command.decision) return [];
  const pending = requirePending(state, command.now);
  const base = { challengeId: pending.challengeId, userId: pending.userId, deviceId: command.deviceId, resolvedAt: command.now.toISOString() };
  if (command.decision === 'deny' && command.fraud) {
    const lockedUntil = new Date(command.now.getTime() + command.fraudLockMinutes * 60_000).toISOString();
    return [
      { type: 'ChallengeDenied', data: { ...base, reason: 'fraud' } },
      { type: 'FraudReported', data: { challengeId: pending.challengeId, userId: pending.userId, deviceId: command.deviceId, lockedUntil } },
    ];
  }
  if (command.decision === 'deny') return [{ type: 'ChallengeDenied', data: { ...base, reason: 'user_denied' } }];
  if (pending.numberMatch !== undefined && command.numberMatch !== pending.numberMatch) {
    return [{ type: 'ChallengeDenied', data: { ...base, reason: 'number_mismatch' } }];
  }
  return [{ type: 'ChallengeApproved', data: base }];
}

function acknowledgeReceipt(command: Extract<PushChallengeCommand, { type: 'AcknowledgeReceipt' }>, state: PushChallengeState): PushChallengeEvent[] {
  const issued = requireTargetDevice(state, command.deviceId);
  // Idempotent: a receipt is recorded once per device, and only while the challenge can still be answered.
  if (issued.receivedBy.includes(command.deviceId) || visibleChallengeStatus(issued, command.now) !== 'pending') return [];
  return [{ type: 'ChallengeReceived', data: { challengeId: issued.challengeId, userId: issued.userId, deviceId: command.deviceId, receivedAt: command.now.toISOString() } }];
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
