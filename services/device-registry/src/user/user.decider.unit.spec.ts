import { foldEvents } from '@pushmfa/event-store';
import { userDecider } from './user.decider';
import type { UserEvent } from './user.events';

const admin = { kind: 'admin' as const, keyId: 'k1' };
const now = new Date('2026-11-22T10:00:00.000Z');

describe('user decider', () => {
  it('records an MFA reset with the devices it revoked and who asked', () => {
    const events = userDecider.decide({ type: 'ResetMfa', userId: 'alice', revokedDeviceIds: ['d1', 'd2'], resetBy: admin, now }, userDecider.initialState());
    expect(events).toEqual([{ type: 'UserMfaReset', data: { userId: 'alice', revokedDeviceIds: ['d1', 'd2'], resetBy: admin, resetAt: now.toISOString() } }]);
  });

  it('records every reset, also of a user with no device left', () => {
    const first: UserEvent = { type: 'UserMfaReset', data: { userId: 'alice', revokedDeviceIds: ['d1'], resetBy: admin, resetAt: now.toISOString() } };
    const state = foldEvents(userDecider, [first]);
    expect(state.mfaResets).toBe(1);
    expect(userDecider.decide({ type: 'ResetMfa', userId: 'alice', revokedDeviceIds: [], resetBy: admin, now }, state)).toHaveLength(1);
  });
});
