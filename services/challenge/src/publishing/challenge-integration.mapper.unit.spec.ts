import { challengeEventSchemas } from '@pushmfa/contracts';
import type { RecordedEvent } from '@pushmfa/event-store';
import { mapChallengeEvent } from './challenge-integration.mapper';

const recorded = (type: string, data: Record<string, unknown>): RecordedEvent => ({
  id: '00000000-0000-4000-8000-000000000001',
  type,
  streamId: 'challenge-c1',
  streamRevision: 0n,
  position: { major: 1n, minor: 1n },
  data,
  metadata: { workspaceId: 'ws1' },
  recordedAt: new Date(),
});
const base = { challengeId: 'c1', userId: 'alice' };
const when = '2026-11-22T10:00:00.000Z';

describe('challenge integration mapper', () => {
  it('publishes ChallengeIssued without the number to match', () => {
    const message = mapChallengeEvent(
      recorded('ChallengeIssued', { ...base, workspaceId: 'ws1', createdAt: when, expiresAt: when, numberMatch: '47', context: {}, devices: [] }),
    );
    expect(message).toMatchObject({ type: 'ChallengeIssued', key: 'c1', workspaceId: 'ws1', data: { numberMatchRequired: true } });
    expect(JSON.stringify(message)).not.toContain('47');
    expect(challengeEventSchemas.ChallengeIssued[1].strict().parse(message!.data)).toBeTruthy();
  });

  it.each([
    ['ChallengeExpired', { ...base, resolvedAt: when }],
    ['FraudReported', { ...base, deviceId: 'd1', lockedUntil: when }],
    ['ChallengeResendRequested', { ...base, attempt: 1, expiresAt: when, requestedAt: when }],
    ['ChallengeReceived', { ...base, deviceId: 'd1', receivedAt: when }],
    ['ChallengeApproved', { ...base, deviceId: 'd1', resolvedAt: when }],
    ['ChallengeDenied', { ...base, deviceId: 'd1', resolvedAt: when, reason: 'fraud' }],
    ['ChallengeCancelled', { ...base, resolvedAt: when, reason: 'push_locked' }],
  ] as const)('publishes %s in its contract shape, keyed by challenge', (type, data) => {
    const message = mapChallengeEvent(recorded(type, data));
    expect(message).toEqual({ type, data, key: 'c1', workspaceId: 'ws1' });
    expect(challengeEventSchemas[type][1].strict().parse(message!.data)).toEqual(data);
  });

  it('publishes nothing for a type it does not know', () => {
    expect(mapChallengeEvent(recorded('SomethingNew', {}))).toBeNull();
  });
});
