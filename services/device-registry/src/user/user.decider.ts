import { type Decider, DomainError } from '@pushmfa/event-store';
import type { Actor } from '../workspace/workspace.events';
import type { PushLockReason, UserEvent } from './user.events';

export type { PushLockReason } from './user.events';

/** A user's push lock in force, as the registry's view of the challenge topic has it (PushLockView). */
export interface PushLockInForce {
  reason: PushLockReason;
  lockedUntil: string;
  /** The challenge whose FraudReported / PushLocked locked push. */
  challengeId?: string;
}

export interface UserState {
  mfaResets: number;
  lastResetAt?: string;
  pushLockLifts: number;
}

export type UserCommand =
  | { type: 'ResetMfa'; userId: string; revokedDeviceIds: string[]; resetBy: Actor; now: Date }
  /** `lock`: the user's push lock in force, read in the command's transaction; null when push is not locked. */
  | { type: 'LiftPushLock'; userId: string; lock: PushLockInForce | null; liftedBy: string; now: Date };

export const userDecider: Decider<UserState, UserCommand, UserEvent> = {
  initialState: () => ({ mfaResets: 0, pushLockLifts: 0 }),

  evolve(state, event) {
    switch (event.type) {
      case 'UserMfaReset':
        return { ...state, mfaResets: state.mfaResets + 1, lastResetAt: event.data.resetAt };
      case 'PushLockLifted':
        return { ...state, pushLockLifts: state.pushLockLifts + 1 };
      default: {
        const unexpected: never = event;
        return unexpected;
      }
    }
  },

  // Every reset is recorded, even of a user without devices: the audit trail shows the admin's action.
  decide(command) {
    switch (command.type) {
      case 'ResetMfa':
        return [
          {
            type: 'UserMfaReset',
            data: { userId: command.userId, revokedDeviceIds: command.revokedDeviceIds, resetBy: command.resetBy, resetAt: command.now.toISOString() },
          },
        ];
      case 'LiftPushLock': {
        const { lock, userId, liftedBy, now } = command;
        // Never locked, run out or already lifted: nothing to lift (the caller sees 404).
        if (lock === null || Date.parse(lock.lockedUntil) <= now.getTime()) throw new DomainError('not_found', 'push is not locked for this user');
        return [
          {
            type: 'PushLockLifted',
            data: {
              userId,
              liftedBy,
              reason: lock.reason,
              lockedUntil: lock.lockedUntil,
              ...(lock.challengeId ? { challengeId: lock.challengeId } : {}),
              liftedAt: now.toISOString(),
            },
          },
        ];
      }
      default: {
        const unexpected: never = command;
        return unexpected;
      }
    }
  },
};
