import type { ChallengeContext } from '@pushmfa/contracts';
import { type Decider, DomainError } from '@pushmfa/event-store';
import type { PushChallengeEvent, TargetDevice } from './push-challenge.events';

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

type Resolution = { decision: 'approve' | 'deny'; deviceId: string; resolvedAt: string };

export type PushChallengeState =
  | { status: 'absent' }
  | ({ status: 'pending' } & Issued)
  | ({ status: 'approved' } & Issued & Resolution)
  | ({ status: 'denied'; reason: 'user_denied' | 'number_mismatch' | 'fraud' } & Issued & Resolution)
  | ({ status: 'cancelled'; resolvedAt: string } & Issued);

export type PushChallengeCommand =
  | { type: 'IssueChallenge'; issued: Issued }
  | { type: 'RespondToChallenge'; deviceId: string; decision: 'approve' | 'deny'; numberMatch?: string; fraud: boolean; now: Date }
  | { type: 'CancelChallenge'; now: Date };

/** Status the caller sees: a pending challenge past its expiry is expired (judged by the server's clock). */
export function visibleChallengeStatus(state: PushChallengeState, now: Date): PushChallengeState['status'] | 'expired' {
  if (state.status === 'pending' && now.getTime() >= Date.parse(state.expiresAt)) return 'expired';
  return state.status;
}

export const pushChallengeDecider: Decider<PushChallengeState, PushChallengeCommand, PushChallengeEvent> = {
  initialState: () => ({ status: 'absent' }),

  evolve(state, event) {
    switch (event.type) {
      case 'ChallengeIssued':
        return { status: 'pending', ...event.data };
      case 'ChallengeApproved':
        return state.status === 'pending' ? { ...state, status: 'approved', decision: 'approve', deviceId: event.data.deviceId, resolvedAt: event.data.resolvedAt } : state;
      case 'ChallengeDenied':
        return state.status === 'pending'
          ? { ...state, status: 'denied', decision: 'deny', reason: event.data.reason, deviceId: event.data.deviceId, resolvedAt: event.data.resolvedAt }
          : state;
      case 'ChallengeCancelled':
        return state.status === 'pending' ? { ...state, status: 'cancelled', resolvedAt: event.data.resolvedAt } : state;
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
      default: {
        const unexpected: never = command;
        return unexpected;
      }
    }
  },
};

function respond(command: Extract<PushChallengeCommand, { type: 'RespondToChallenge' }>, state: PushChallengeState): PushChallengeEvent[] {
  if (state.status === 'absent') throw new DomainError('not_found', 'no such challenge');
  if (!state.devices.some((d) => d.deviceId === command.deviceId)) throw new DomainError('not_found', 'no such challenge');
  // First response wins; the same answer repeated (an app retrying) is not an error.
  if ((state.status === 'approved' || state.status === 'denied') && state.decision === command.decision) return [];
  const pending = requirePending(state, command.now);
  const base = { challengeId: pending.challengeId, userId: pending.userId, deviceId: command.deviceId, resolvedAt: command.now.toISOString() };
  if (command.decision === 'deny') return [{ type: 'ChallengeDenied', data: { ...base, reason: command.fraud ? 'fraud' : 'user_denied' } }];
  if (pending.numberMatch !== undefined && command.numberMatch !== pending.numberMatch) {
    return [{ type: 'ChallengeDenied', data: { ...base, reason: 'number_mismatch' } }];
  }
  return [{ type: 'ChallengeApproved', data: base }];
}

function requirePending(state: PushChallengeState, now: Date) {
  if (state.status === 'absent') throw new DomainError('not_found', 'no such challenge');
  if (state.status !== 'pending') throw new DomainError('challenge_not_pending', `the challenge is ${state.status}`);
  if (visibleChallengeStatus(state, now) === 'expired') throw new DomainError('challenge_expired', 'the challenge has expired');
  return state;
}
