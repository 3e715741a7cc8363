import { foldEvents } from '@pushmfa/event-store';
import { type PushChallengeCommand, pushChallengeDecider, visibleChallengeStatus } from './push-challenge.decider';
import type { PushChallengeEvent } from './push-challenge.events';

const t0 = new Date('2026-11-22T10:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const issued: PushChallengeEvent = {
  type: 'ChallengeIssued',
  data: { challengeId: 'c1', workspaceId: 'ws1', userId: 'alice', createdAt: t0.toISOString(), expiresAt: at(60_000).toISOString(), numberMatch: '47', context: {}, devices: [{ deviceId: 'd1', pushProvider: 'fcm', platform: 'android' }, { deviceId: 'd2', pushProvider: 'apns', platform: 'ios' }] },
};
const respond = (deviceId: string, decision: 'approve' | 'deny', numberMatch?: string, now = at(5000), fraud = false): PushChallengeCommand => ({ type: 'RespondToChallenge', deviceId, decision, fraud, now, ...(numberMatch ? { numberMatch } : {}) });
const decide = (events: PushChallengeEvent[], command: PushChallengeCommand) => pushChallengeDecider.decide(command, foldEvents(pushChallengeDecider, events));

describe('push challenge decider', () => {
  it('approves when the typed number matches', () => {
    expect(decide([issued], respond('d1', 'approve', '47'))).toEqual([{ type: 'ChallengeApproved', data: { challengeId: 'c1', userId: 'alice', deviceId: 'd1', resolvedAt: at(5000).toISOString() } }]);
  });

  it('denies with number_mismatch when the number is wrong or missing', () => {
    expect(decide([issued], respond('d1', 'approve', '12'))[0]).toMatchObject({ type: 'ChallengeDenied', data: { reason: 'number_mismatch' } });
    expect(decide([issued], respond('d1', 'approve'))[0]).toMatchObject({ type: 'ChallengeDenied', data: { reason: 'number_mismatch' } });
  });

  it('records a fraud report as a denial with reason fraud', () => {
    expect(decide([issued], respond('d1', 'deny', undefined, at(5000), true))[0]).toMatchObject({ type: 'ChallengeDenied', data: { reason: 'fraud' } });
  });

  it('lets the first response win and answers a repeated identical one with no new event', () => {
    const approved = decide([issued], respond('d1', 'approve', '47'));
    expect(decide([issued, ...approved], respond('d2', 'approve', '47'))).toEqual([]);
    expect(() => decide([issued, ...approved], respond('d2', 'deny'))).toThrow(expect.objectContaining({ code: 'challenge_not_pending' }));
  });

  it('refuses a response after expiry, judged by the server clock', () => {
    expect(() => decide([issued], respond('d1', 'approve', '47', at(60_000)))).toThrow(expect.objectContaining({ code: 'challenge_expired' }));
    expect(visibleChallengeStatus(foldEvents(pushChallengeDecider, [issued]), at(60_000))).toBe('expired');
  });

  it('answers not_found to a device the challenge was not sent to', () => {
    expect(() => decide([issued], respond('d9', 'approve', '47'))).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('cancels a pending challenge once', () => {
    const cancelled = decide([issued], { type: 'CancelChallenge', now: at(1000) });
    expect(cancelled).toEqual([{ type: 'ChallengeCancelled', data: { challengeId: 'c1', userId: 'alice', resolvedAt: at(1000).toISOString() } }]);
    expect(decide([issued, ...cancelled], { type: 'CancelChallenge', now: at(2000) })).toEqual([]);
  });
});
