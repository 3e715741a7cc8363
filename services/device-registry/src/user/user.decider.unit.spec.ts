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

  it('records a push lock lift with the lock it lifts and the admin key that asked', () => {
    const lock = { reason: 'fraud_report' as const, lockedUntil: '2026-11-22T10:15:00.000Z', challengeId: 'c1' };
    const events = userDecider.decide({ type: 'LiftPushLock', userId: 'alice', lock, liftedBy: 'k1', now }, userDecider.initialState());
    expect(events).toEqual([
      {
        type: 'PushLockLifted',
        data: { userId: 'alice', liftedBy: 'k1', reason: 'fraud_report', lockedUntil: lock.lockedUntil, challengeId: 'c1', liftedAt: now.toISOString() },
      },
    ]);
    expect(foldEvents(userDecider, events).pushLockLifts).toBe(1);
  });

  it('refuses with not_found when push is not locked, or the lock has run out', () => {
    for (const lock of [null, { reason: 'number_mismatch' as const, lockedUntil: now.toISOString() }]) {
      expect(() => userDecider.decide({ type: 'LiftPushLock', userId: 'alice', lock, liftedBy: 'k1', now }, userDecider.initialState())).toThrow(
        expect.objectContaining({ code: 'not_found' }) as unknown as Error,
      );
    }
  });
});
