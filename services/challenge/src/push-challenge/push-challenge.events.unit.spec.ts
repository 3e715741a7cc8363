import type { RecordedEvent } from '@pushmfa/event-store';
import { type PushChallengeEvent, pushChallengeEvents } from './push-challenge.events';

const recordedAt = new Date('2026-11-22T10:00:30.000Z');

function recorded(type: string, data: Record<string, unknown>): RecordedEvent {
  return {
    id: 'e1',
    type,
    streamId: 'challenge-c1',
    streamRevision: 1n,
    position: { major: 7n, minor: 3n },
    data,
    metadata: { workspaceId: 'ws1' },
    recordedAt,
  };
}

describe('stored challenge events', () => {
  it('reads what the first version stored as today’s shape', () => {
    // The first version stored neither a cancellation's reason nor a resend's time.
    const cancelledV1 = recorded('ChallengeCancelled', { challengeId: 'c1', userId: 'alice', resolvedAt: '2026-11-22T10:00:20.000Z' });
    const resendV1 = recorded('ChallengeResendRequested', { challengeId: 'c1', userId: 'alice', attempt: 1, expiresAt: '2026-11-22T10:02:00.000Z' });

    expect(pushChallengeEvents.readDomainEvent(cancelledV1)).toEqual<PushChallengeEvent>({
      type: 'ChallengeCancelled',
      data: { challengeId: 'c1', userId: 'alice', resolvedAt: '2026-11-22T10:00:20.000Z', reason: 'platform' },
    });
    expect(pushChallengeEvents.readDomainEvent(resendV1)).toEqual<PushChallengeEvent>({
      type: 'ChallengeResendRequested',
      data: { challengeId: 'c1', userId: 'alice', attempt: 1, expiresAt: '2026-11-22T10:02:00.000Z', requestedAt: recordedAt.toISOString() },
    });
    // The record's own fields stay as stored.
    expect(pushChallengeEvents.read(cancelledV1)).toMatchObject({ id: 'e1', streamRevision: 1n, metadata: { workspaceId: 'ws1' }, recordedAt });
  });

  it('reads today’s shape unchanged and leaves types it does not know out', () => {
    const locked = { challengeId: 'c1', userId: 'alice', resolvedAt: '2026-11-22T10:00:20.000Z', reason: 'push_locked' };
    expect(pushChallengeEvents.readDomainEvent(recorded('ChallengeCancelled', locked))).toEqual({ type: 'ChallengeCancelled', data: locked });
    const resend = { challengeId: 'c1', userId: 'alice', attempt: 2, expiresAt: '2026-11-22T10:02:00.000Z', requestedAt: '2026-11-22T10:00:25.000Z' };
    expect(pushChallengeEvents.readDomainEvent(recorded('ChallengeResendRequested', resend))?.data).toEqual(resend);
    expect(pushChallengeEvents.read(recorded('SomethingANewerVersionStores', {}))).toBeNull();
  });
});
