import { foldEvents } from '@pushmfa/event-store';
import { OFFLINE_CODE_LOCK_THRESHOLD, type OfflineCodeMatch, type PushChallengeCommand, pushChallengeDecider } from '../push-challenge.decider';
import type { PushChallengeEvent } from '../push-challenge.events';

const t0 = new Date('2026-12-05T10:00:00.000Z');
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
    devices: [{ deviceId: 'd1', pushProvider: 'fcm', platform: 'android' }],
  },
};
const submit = (match: OfflineCodeMatch, options: Partial<Extract<PushChallengeCommand, { type: 'ApproveWithOfflineCode' }>> = {}): PushChallengeCommand => ({
  type: 'ApproveWithOfflineCode',
  enabled: true,
  match,
  failures: 0,
  fraudLockMinutes: 15,
  now: at(5000),
  ...options,
});
const decide = (events: PushChallengeEvent[], command: PushChallengeCommand) => pushChallengeDecider.decide(command, foldEvents(pushChallengeDecider, events));
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('approving with an offline code', () => {
  it('a matching code approves the pending challenge as the device, by offline code, recording the step', () => {
    const events = decide([issued], submit({ outcome: 'matched', deviceId: 'd9', step: 1234 }));
    expect(events).toEqual([
      {
        type: 'ChallengeApproved',
        data: { challengeId: 'c1', userId: 'alice', deviceId: 'd9', resolvedAt: at(5000).toISOString(), method: 'offline_code', offlineCodeStep: 1234 },
      },
    ]);
    const state = foldEvents(pushChallengeDecider, [issued, ...events]);
    expect(state).toMatchObject({ status: 'approved', deviceId: 'd9' });
  });

  it('a replayed code approves nothing and records nothing', () => {
    expect(refusal(() => decide([issued], submit({ outcome: 'replayed', deviceId: 'd1' })))).toBe('offline_code_replayed');
  });

  it('a wrong code leaves the challenge pending and counts; the fifth in a row locks push and cancels the challenge', () => {
    const first = decide([issued], submit({ outcome: 'none' }));
    expect(first).toEqual([{ type: 'OfflineCodeRejected', data: { challengeId: 'c1', userId: 'alice', failures: 1, rejectedAt: at(5000).toISOString() } }]);
    expect(foldEvents(pushChallengeDecider, [issued, ...first]).status).toBe('pending');

    const last = decide([issued], submit({ outcome: 'none' }, { failures: OFFLINE_CODE_LOCK_THRESHOLD - 1 }));
    expect(last.map((e) => e.type)).toEqual(['OfflineCodeRejected', 'PushLocked', 'ChallengeCancelled']);
    expect(last[1]).toEqual({
      type: 'PushLocked',
      data: { challengeId: 'c1', userId: 'alice', reason: 'offline_code', lockedUntil: at(5000 + 15 * 60_000).toISOString(), consecutiveMismatches: 5 },
    });
    expect(last[2]).toMatchObject({ data: { reason: 'push_locked' } });
    expect(foldEvents(pushChallengeDecider, [issued, ...last]).status).toBe('cancelled');
  });

  it('refuses in order: setting off, push locked, not pending or expired', () => {
    const locked = { lockedUntil: at(60_000).toISOString(), consecutiveMismatches: 0 };
    const matched: OfflineCodeMatch = { outcome: 'matched', deviceId: 'd1', step: 1 };
    expect(refusal(() => decide([issued], submit(matched, { enabled: false, user: locked })))).toBe('offline_codes_disabled');
    expect(refusal(() => decide([issued], submit(matched, { user: locked })))).toBe('push_locked');
    const approved = decide([issued], submit(matched));
    expect(refusal(() => decide([issued, ...approved], submit({ outcome: 'matched', deviceId: 'd1', step: 2 })))).toBe('challenge_not_pending');
    expect(refusal(() => decide([issued], submit(matched, { now: at(61_000) })))).toBe('challenge_expired');
    expect(refusal(() => decide([], submit(matched)))).toBe('not_found');
  });
});
