import type { Decider } from '@pushmfa/event-store';
import type { Actor } from '../workspace/workspace.events';
import type { UserEvent } from './user.events';

export interface UserState {
  mfaResets: number;
  lastResetAt?: string;
}

export type UserCommand = { type: 'ResetMfa'; userId: string; revokedDeviceIds: string[]; resetBy: Actor; now: Date };

export const userDecider: Decider<UserState, UserCommand, UserEvent> = {
  initialState: () => ({ mfaResets: 0 }),

  evolve(state, event) {
    switch (event.type) {
      case 'UserMfaReset':
        return { mfaResets: state.mfaResets + 1, lastResetAt: event.data.resetAt };
      default: {
        const unexpected: never = event.type;
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
      default: {
        const unexpected: never = command.type;
        return unexpected;
      }
    }
  },
};
