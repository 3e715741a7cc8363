import { type Decider, DomainError } from '@pushmfa/event-store';
import type { PushLockReason, PushUserEvent } from '../push-challenge.events';

/** The user's push lock in force, as the read models hold it, read under the user's lock in the command's transaction. */
export interface PushLockInForce {
  reason: PushLockReason;
  lockedUntil: string;
  /** The challenge whose FraudReported / PushLocked locked push; absent on a lock recorded before locks kept it. */
  challengeId?: string;
}

/** What the user's push stream has recorded: how many times push was unlocked, and when last. */
export interface PushUserState {
  unlocks: number;
  lastUnlockedAt?: string;
}

export type PushUserCommand = {
  type: 'UnlockPush';
  userId: string;
  /** Null when push is not locked for the user now (never locked, lock run out, or already lifted). */
  lock: PushLockInForce | null;
  keyId: string;
  now: Date;
};

export const pushUserDecider: Decider<PushUserState, PushUserCommand, PushUserEvent> = {
  initialState: () => ({ unlocks: 0 }),

  evolve(state, event) {
    switch (event.type) {
      case 'PushUnlocked':
        return { unlocks: state.unlocks + 1, lastUnlockedAt: event.data.unlockedAt };
    }
  },

  decide(command) {
    switch (command.type) {
      case 'UnlockPush': {
        const { lock, userId, keyId, now } = command;
        if (lock === null || Date.parse(lock.lockedUntil) <= now.getTime()) {
          throw new DomainError('not_found', 'push is not locked for this user');
        }
        return [
          {
            type: 'PushUnlocked',
            data: {
              userId,
              unlockedAt: now.toISOString(),
              unlockedBy: { keyId },
              ...(lock.challengeId ? { challengeId: lock.challengeId } : {}),
              previousReason: lock.reason,
              previousLockedUntil: lock.lockedUntil,
            },
          },
        ];
      }
    }
  },
};
