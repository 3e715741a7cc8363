import { foldEvents } from '@pushmfa/event-store';
import { MAX_RESENDS, type PushChallengeCommand, pushChallengeDecider, visibleChallengeStatus } from './push-challenge.decider';
import type { PushChallengeEvent } from './push-challenge.events';

const t0 = new Date('2026-11-22T10:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const issued: PushChallengeEvent = {
  type: 'ChallengeIssued',
  data: {
    challengeId: 'c1',
    workspaceId: 'ws1',
    userId: 'alice',
    createdAt: t0.toISOString(),
    expiresAt: at(60_000).toISOString(),
    numberMatch: '47',
    context: {},
    devices: [
      { deviceId: 'd1', pushProvider: 'fcm', platform: 'android' },
      { deviceId: 'd2', pushProvider: 'apns', platform: 'ios' },
    ],
  },
};
const respond = (deviceId: string, decision: 'approve' | 'deny', numberMatch?: string, now = at(5000), fraud = false): PushChallengeCommand => ({
  type: 'RespondToChallenge',
  deviceId,
  decision,
  fraud,
  fraudLockMinutes: 15,
  now,
  ...(numberMatch ? { numberMatch } : {}),
});
const decide = (events: PushChallengeEvent[], command: PushChallengeCommand) => pushChallengeDecider.decide(command, foldEvents(pushChallengeDecider, events));
const stateAfter = (events: PushChallengeEvent[]) => foldEvents(pushChallengeDecider, events);

const approved: PushChallengeEvent = {
  type: 'ChallengeApproved',
  data: { challengeId: 'c1', userId: 'alice', deviceId: 'd1', resolvedAt: at(5000).toISOString() },
};
const denied: PushChallengeEvent = {
  type: 'ChallengeDenied',
  data: { challengeId: 'c1', userId: 'alice', deviceId: 'd1', resolvedAt: at(5000).toISOString(), reason: 'user_denied' },
};
const cancelled: PushChallengeEvent = {
  type: 'ChallengeCancelled',
  data: { challengeId: 'c1', userId: 'alice', resolvedAt: at(1000).toISOString(), reason: 'platform' },
};
const expired: PushChallengeEvent = { type: 'ChallengeExpired', data: { challengeId: 'c1', userId: 'alice', resolvedAt: at(60_000).toISOString() } };
const resent = (attempt: number): PushChallengeEvent => ({
  type: 'ChallengeResendRequested',
  data: { challengeId: 'c1', userId: 'alice', attempt, expiresAt: at(60_000).toISOString(), requestedAt: at(10_000).toISOString() },
});
const lockedFor = (ms: number) => ({ lockedUntil: at(ms).toISOString(), consecutiveMismatches: 0 });
const fraudReport = (deviceId: string, now: Date, challengeStatus?: string) => ({
  type: 'FraudReported',
  data: {
    challengeId: 'c1',
    userId: 'alice',
    deviceId,
    lockedUntil: new Date(now.getTime() + 15 * 60_000).toISOString(),
    ...(challengeStatus ? { challengeStatus } : {}),
  },
});
const received = (deviceId: string): PushChallengeEvent => ({
  type: 'ChallengeReceived',
  data: { challengeId: 'c1', userId: 'alice', deviceId, receivedAt: at(2000).toISOString() },
});

describe('push challenge decider', () => {
  describe('issuing', () => {
    it('issues a new challenge', () => {
      expect(decide([], { type: 'IssueChallenge', issued: issued.data as never })).toEqual([issued]);
    });

    it('refuses to issue over an existing stream', () => {
      expect(() => decide([issued], { type: 'IssueChallenge', issued: issued.data as never })).toThrow(
        expect.objectContaining({ code: 'challenge_not_pending' }),
      );
    });
  });

  describe('responding', () => {
    it('approves when the typed number matches', () => {
      expect(decide([issued], respond('d1', 'approve', '47'))).toEqual([approved]);
    });

    it('denies with number_mismatch when the number is wrong or missing', () => {
      expect(decide([issued], respond('d1', 'approve', '12'))[0]).toMatchObject({ type: 'ChallengeDenied', data: { reason: 'number_mismatch' } });
      expect(decide([issued], respond('d1', 'approve'))[0]).toMatchObject({ type: 'ChallengeDenied', data: { reason: 'number_mismatch' } });
    });

    it('denies as the user asked', () => {
      expect(decide([issued], respond('d1', 'deny'))).toEqual([denied]);
    });

    it('records a fraud report as a denial with reason fraud and a lock of fraudLockMinutes', () => {
      expect(decide([issued], respond('d1', 'deny', undefined, at(5000), true))).toEqual([
        { type: 'ChallengeDenied', data: { ...denied.data, reason: 'fraud' } },
        { type: 'FraudReported', data: { challengeId: 'c1', userId: 'alice', deviceId: 'd1', lockedUntil: at(5000 + 15 * 60_000).toISOString() } },
      ]);
    });

    it('ignores the fraud flag on an approval', () => {
      expect(decide([issued], respond('d1', 'approve', '47', at(5000), true))).toEqual([approved]);
    });

    it('lets the first response win and answers a repeated identical one with no new event', () => {
      expect(decide([issued, approved], respond('d2', 'approve', '47'))).toEqual([]);
      expect(() => decide([issued, approved], respond('d2', 'deny'))).toThrow(expect.objectContaining({ code: 'challenge_not_pending' }));
      expect(() => decide([issued, cancelled], respond('d1', 'approve', '47'))).toThrow(expect.objectContaining({ code: 'challenge_not_pending' }));
    });

    it('refuses a response after expiry, judged by the server clock, recorded or not', () => {
      expect(() => decide([issued], respond('d1', 'approve', '47', at(60_000)))).toThrow(expect.objectContaining({ code: 'challenge_expired' }));
      expect(() => decide([issued, expired], respond('d1', 'approve', '47', at(1000)))).toThrow(expect.objectContaining({ code: 'challenge_expired' }));
      expect(visibleChallengeStatus(stateAfter([issued]), at(60_000))).toBe('expired');
      expect(visibleChallengeStatus(stateAfter([issued]), at(59_999))).toBe('pending');
    });

    it('answers not_found to a device the challenge was not sent to, or to no challenge', () => {
      expect(() => decide([issued], respond('d9', 'approve', '47'))).toThrow(expect.objectContaining({ code: 'not_found' }));
      expect(() => decide([], respond('d1', 'approve', '47'))).toThrow(expect.objectContaining({ code: 'not_found' }));
    });
  });

  describe('fraud reports after the decision', () => {
    const mismatched: PushChallengeEvent = { type: 'ChallengeDenied', data: { ...denied.data, reason: 'number_mismatch' } };
    it('records a report after a plain deny, a wrong number, an approval (from the other device), an expiry and a cancellation', () => {
      expect(decide([issued, denied], respond('d1', 'deny', undefined, at(6000), true))).toEqual([fraudReport('d1', at(6000), 'denied')]);
      expect(decide([issued, mismatched], respond('d1', 'deny', undefined, at(6000), true))).toEqual([fraudReport('d1', at(6000), 'denied')]);
      expect(decide([issued, approved], respond('d2', 'deny', undefined, at(6000), true))).toEqual([fraudReport('d2', at(6000), 'approved')]);
      expect(decide([issued, denied], respond('d2', 'deny', undefined, at(6000), true))).toEqual([fraudReport('d2', at(6000), 'denied')]);
      expect(decide([issued, expired], respond('d1', 'deny', undefined, at(61_000), true))).toEqual([fraudReport('d1', at(61_000), 'expired')]);
      expect(decide([issued], respond('d1', 'deny', undefined, at(61_000), true))).toEqual([fraudReport('d1', at(61_000), 'expired')]);
      expect(decide([issued, cancelled], respond('d1', 'deny', undefined, at(6000), true))).toEqual([fraudReport('d1', at(6000), 'cancelled')]);
    });

    it('records a repeated report of one device again only once its lock is over', () => {
      const reported = [issued, denied, fraudReport('d1', at(6000), 'denied') as PushChallengeEvent];
      const again = (user?: ReturnType<typeof lockedFor>) =>
        ({ ...respond('d1', 'deny', undefined, at(7000), true), ...(user ? { user } : {}) }) as PushChallengeCommand;
      expect(decide(reported, again(lockedFor(6000 + 15 * 60_000)))).toEqual([]);
      expect(decide(reported, again())).toEqual([fraudReport('d1', at(7000), 'denied')]);
      expect(stateAfter(reported)).toMatchObject({ status: 'denied', fraudReports: [{ deviceId: 'd1' }] });
    });

    it('still refuses a fraud report from a device the challenge was not sent to', () => {
      expect(() => decide([issued, denied], respond('d9', 'deny', undefined, at(6000), true))).toThrow(expect.objectContaining({ code: 'not_found' }));
    });
  });

  describe('push lock', () => {
    const withUser = (command: PushChallengeCommand, user: { lockedUntil?: string; consecutiveMismatches: number }, threshold = 3) =>
      ({ ...command, user, numberMismatchLockThreshold: threshold }) as PushChallengeCommand;

    it('refuses an approval while push is locked, with the time left; a plain deny still works', () => {
      expect(() => decide([issued], withUser(respond('d1', 'approve', '47'), lockedFor(65_000)))).toThrow(
        expect.objectContaining({ code: 'push_locked', extras: { retryAfterSeconds: 60 } }),
      );
      expect(decide([issued], withUser(respond('d1', 'deny'), lockedFor(65_000)))).toEqual([denied]);
    });

    it('locks push for fraudLockMinutes at the threshold-th wrong number in a row', () => {
      const wrong = respond('d1', 'approve', '12');
      expect(decide([issued], withUser(wrong, { consecutiveMismatches: 1 }))).toHaveLength(1);
      expect(decide([issued], withUser(wrong, { consecutiveMismatches: 2 }))).toEqual([
        { type: 'ChallengeDenied', data: { ...denied.data, reason: 'number_mismatch' } },
        {
          type: 'PushLocked',
          data: { challengeId: 'c1', userId: 'alice', reason: 'number_mismatch', lockedUntil: at(5000 + 15 * 60_000).toISOString(), consecutiveMismatches: 3 },
        },
      ]);
      expect(decide([issued], withUser(wrong, { consecutiveMismatches: 7 }, 0))).toHaveLength(1);
    });

    it('answers a resend with push_locked before anything else, and rate_limited after the challenge checks', () => {
      const locked = { code: 'push_locked' as const, retryAfterSeconds: 30 };
      const limited = { code: 'rate_limited' as const, retryAfterSeconds: 20 };
      expect(() => decide([issued, cancelled], { type: 'ResendChallenge', now: at(2000), refusal: locked })).toThrow(
        expect.objectContaining({ code: 'push_locked', extras: { retryAfterSeconds: 30 } }),
      );
      expect(() => decide([issued, approved], { type: 'ResendChallenge', now: at(6000), refusal: limited })).toThrow(
        expect.objectContaining({ code: 'challenge_not_pending' }),
      );
      expect(() => decide([issued], { type: 'ResendChallenge', now: at(6000), refusal: limited })).toThrow(
        expect.objectContaining({ code: 'rate_limited', extras: { retryAfterSeconds: 20 } }),
      );
    });

    it('cancels a pending challenge with the lock as its reason', () => {
      expect(decide([issued], { type: 'CancelChallenge', now: at(1000), reason: 'push_locked' })).toEqual([
        { ...cancelled, data: { ...cancelled.data, reason: 'push_locked' } },
      ]);
    });
  });

  describe('cancelling', () => {
    it('cancels a pending challenge once', () => {
      expect(decide([issued], { type: 'CancelChallenge', now: at(1000) })).toEqual([cancelled]);
      expect(decide([issued, cancelled], { type: 'CancelChallenge', now: at(2000) })).toEqual([]);
    });

    it('cancels a pending challenge superseded by a newer one, naming it, and only with that newer one', () => {
      const newer = '00000000-0000-4000-8000-0000000000ff';
      expect(decide([issued], { type: 'CancelChallenge', now: at(1000), reason: 'superseded', supersededBy: newer })).toEqual([
        { ...cancelled, data: { ...cancelled.data, reason: 'superseded', supersededBy: newer } },
      ]);
      expect(stateAfter([issued, { ...cancelled, data: { ...cancelled.data, reason: 'superseded', supersededBy: newer } }])).toMatchObject({
        status: 'cancelled',
      });
      expect(() => decide([issued], { type: 'CancelChallenge', now: at(1000), reason: 'superseded' })).toThrow(
        expect.objectContaining({ code: 'validation_failed' }),
      );
      expect(decide([issued, cancelled], { type: 'CancelChallenge', now: at(2000), reason: 'superseded', supersededBy: newer })).toEqual([]);
    });

    it('refuses to cancel a resolved or expired challenge', () => {
      expect(() => decide([issued, approved], { type: 'CancelChallenge', now: at(6000) })).toThrow(expect.objectContaining({ code: 'challenge_not_pending' }));
      expect(() => decide([issued], { type: 'CancelChallenge', now: at(61_000) })).toThrow(expect.objectContaining({ code: 'challenge_expired' }));
    });
  });

  describe('expiring', () => {
    it('expires a pending challenge at its deadline, resolved at the deadline', () => {
      expect(decide([issued], { type: 'ExpireChallenge', now: at(60_500) })).toEqual([expired]);
      expect(stateAfter([issued, expired])).toMatchObject({ status: 'expired', resolvedAt: at(60_000).toISOString() });
    });

    it('records nothing before the deadline, after a decision or a second time', () => {
      expect(decide([issued], { type: 'ExpireChallenge', now: at(59_999) })).toEqual([]);
      expect(decide([issued, approved], { type: 'ExpireChallenge', now: at(61_000) })).toEqual([]);
      expect(decide([issued, cancelled], { type: 'ExpireChallenge', now: at(61_000) })).toEqual([]);
      expect(decide([issued, expired], { type: 'ExpireChallenge', now: at(61_000) })).toEqual([]);
      expect(decide([], { type: 'ExpireChallenge', now: at(61_000) })).toEqual([]);
    });

    it('keeps the first outcome when a decision is folded after expiry', () => {
      expect(stateAfter([issued, expired, approved])).toMatchObject({ status: 'expired' });
    });
  });

  describe('receipts', () => {
    it('records a receipt once per device', () => {
      expect(decide([issued], { type: 'AcknowledgeReceipt', deviceId: 'd1', now: at(2000) })).toEqual([received('d1')]);
      expect(decide([issued, received('d1')], { type: 'AcknowledgeReceipt', deviceId: 'd1', now: at(3000) })).toEqual([]);
      expect(decide([issued, received('d1')], { type: 'AcknowledgeReceipt', deviceId: 'd2', now: at(2000) })).toEqual([received('d2')]);
    });

    it('records nothing once the challenge is resolved or past its deadline', () => {
      expect(decide([issued, approved], { type: 'AcknowledgeReceipt', deviceId: 'd2', now: at(6000) })).toEqual([]);
      expect(decide([issued], { type: 'AcknowledgeReceipt', deviceId: 'd1', now: at(60_000) })).toEqual([]);
    });

    it('answers not_found to a device the challenge was not sent to', () => {
      expect(() => decide([issued], { type: 'AcknowledgeReceipt', deviceId: 'd9', now: at(2000) })).toThrow(expect.objectContaining({ code: 'not_found' }));
      expect(() => decide([], { type: 'AcknowledgeReceipt', deviceId: 'd1', now: at(2000) })).toThrow(expect.objectContaining({ code: 'not_found' }));
    });
  });

  describe('resending', () => {
    it(`resends up to ${MAX_RESENDS} times, keeping the deadline`, () => {
      expect(decide([issued], { type: 'ResendChallenge', now: at(10_000) })).toEqual([resent(1)]);
      expect(decide([issued, resent(1), resent(2)], { type: 'ResendChallenge', now: at(10_000) })).toEqual([resent(3)]);
      expect(() => decide([issued, resent(1), resent(2), resent(3)], { type: 'ResendChallenge', now: at(10_000) })).toThrow(
        expect.objectContaining({ code: 'resend_limit_reached' }),
      );
    });

    it('refuses to resend a resolved or expired challenge', () => {
      expect(() => decide([issued, approved], { type: 'ResendChallenge', now: at(10_000) })).toThrow(
        expect.objectContaining({ code: 'challenge_not_pending' }),
      );
      expect(() => decide([issued, cancelled], { type: 'ResendChallenge', now: at(10_000) })).toThrow(
        expect.objectContaining({ code: 'challenge_not_pending' }),
      );
      expect(() => decide([issued], { type: 'ResendChallenge', now: at(60_000) })).toThrow(expect.objectContaining({ code: 'challenge_expired' }));
      expect(() => decide([], { type: 'ResendChallenge', now: at(1000) })).toThrow(expect.objectContaining({ code: 'not_found' }));
    });
  });
});

describe('a first-factor (passwordless) push', () => {
  const passwordless: PushChallengeEvent = { ...issued, data: { ...issued.data, factor: 'first', poolId: 'p1' } } as PushChallengeEvent;

  it('is approved only with the right number and the user verified, and records the verification', () => {
    expect(() => decide([passwordless], respond('d1', 'approve', '47'))).toThrow(expect.objectContaining({ code: 'user_verification_required' }));
    const events = decide([passwordless], { ...respond('d1', 'approve', '47'), userVerified: true } as PushChallengeCommand);
    expect(events).toEqual([
      { type: 'ChallengeApproved', data: { challengeId: 'c1', userId: 'alice', deviceId: 'd1', resolvedAt: at(5000).toISOString(), userVerified: true } },
    ]);
    expect(stateAfter([passwordless, ...events])).toMatchObject({ status: 'approved', userVerified: true });
  });

  it('is denied without verification, and a second-factor push is approved without it', () => {
    expect(decide([passwordless], respond('d1', 'deny'))).toEqual([expect.objectContaining({ type: 'ChallengeDenied' })]);
    expect(decide([issued], respond('d1', 'approve', '47'))).toEqual([expect.objectContaining({ type: 'ChallengeApproved' })]);
  });
});
