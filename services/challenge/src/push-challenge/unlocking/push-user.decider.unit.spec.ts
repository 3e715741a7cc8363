import { describe, expect, it } from '@jest/globals';
import { type DomainError, foldEvents } from '@pushmfa/event-store';
import { type PushUserCommand, pushUserDecider } from './push-user.decider';

const now = new Date('2026-12-05T09:00:00.000Z');
const unlock = (lock: PushUserCommand['lock']): PushUserCommand => ({ type: 'UnlockPush', userId: 'alice', lock, keyId: 'admin-1', now });

describe('push user decider', () => {
  it('records who lifted which lock', () => {
    const events = pushUserDecider.decide(unlock({ reason: 'fraud_report', lockedUntil: '2026-12-05T09:15:00.000Z', challengeId: 'c1' }), { unlocks: 0 });
    expect(events).toEqual([
      {
        type: 'PushUnlocked',
        data: {
          userId: 'alice',
          unlockedAt: now.toISOString(),
          unlockedBy: { keyId: 'admin-1' },
          challengeId: 'c1',
          previousReason: 'fraud_report',
          previousLockedUntil: '2026-12-05T09:15:00.000Z',
        },
      },
    ]);
    expect(foldEvents(pushUserDecider, events)).toEqual({ unlocks: 1, lastUnlockedAt: now.toISOString() });
  });

  it('leaves challengeId out for a lock that kept none', () => {
    const [event] = pushUserDecider.decide(unlock({ reason: 'number_mismatch', lockedUntil: '2026-12-05T09:15:00.000Z' }), { unlocks: 0 });
    expect(event!.data).not.toHaveProperty('challengeId');
  });

  it('refuses with not_found when push is not locked, or the lock has run out', () => {
    for (const lock of [null, { reason: 'fraud_report' as const, lockedUntil: now.toISOString() }]) {
      expect(() => pushUserDecider.decide(unlock(lock), { unlocks: 0 })).toThrow(expect.objectContaining({ code: 'not_found' }) as unknown as DomainError);
    }
  });
});
