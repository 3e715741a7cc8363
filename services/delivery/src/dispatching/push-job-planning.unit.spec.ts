import type { ContractEnvelope } from '@pushmfa/contracts';
import type { ChallengeView } from '../challenges/challenge-view';
import { mayRequestPushes, planPushJobs } from './push-job-planning';

const view: ChallengeView = {
  workspaceId: 'ws-1',
  challengeId: 'ch-1',
  userId: 'alice',
  status: 'pending',
  expiresAtMs: Date.parse('2025-01-01T12:01:00Z'),
  targetDevices: [
    { deviceId: 'phone', pushProvider: 'fcm' },
    { deviceId: 'tablet', pushProvider: 'apns' },
  ],
  context: {},
};

const envelope = (type: string, data: Record<string, unknown> = {}) =>
  ({
    id: 'evt-9',
    type,
    version: 1,
    occurredAt: '2025-01-01T12:00:00Z',
    workspaceId: 'ws-1',
    streamId: 's',
    correlationId: 'corr-1',
    data: { challengeId: 'ch-1', ...data },
  }) as unknown as ContractEnvelope;

describe('planPushJobs', () => {
  it('plans one independent push per target device for an issued challenge', () => {
    const jobs = planPushJobs(envelope('ChallengeIssued'), view, 'tp');
    expect(jobs.map((job) => [job.deviceId, job.pushProvider, job.round, job.tryNumber])).toEqual([
      ['phone', 'fcm', 1, 1],
      ['tablet', 'apns', 1, 1],
    ]);
    expect(jobs[0]).toMatchObject({ correlationId: 'corr-1', causationId: 'evt-9', traceparent: 'tp' });
  });

  it('starts a new round for a resend: the first resend is round 2', () => {
    expect(planPushJobs(envelope('ChallengeResendRequested', { attempt: 1 }), view, undefined)[0]?.round).toBe(2);
  });

  it('plans nothing for a resolved challenge or for other challenge events', () => {
    expect(planPushJobs(envelope('ChallengeResendRequested', { attempt: 1 }), { ...view, status: 'approved' }, undefined)).toEqual([]);
    expect(planPushJobs(envelope('ChallengeReceived'), view, undefined)).toEqual([]);
    expect(planPushJobs(envelope('ChallengeIssued'), null, undefined)).toEqual([]);
  });
});

describe('mayRequestPushes', () => {
  it('is true only for the events that plan pushes, so the others skip reading the view', () => {
    expect(['ChallengeIssued', 'ChallengeResendRequested'].map((type) => mayRequestPushes(envelope(type)))).toEqual([true, true]);
    expect(['ChallengeApproved', 'ChallengeReceived', 'ChallengeExpired'].map((type) => mayRequestPushes(envelope(type)))).toEqual([false, false, false]);
  });
});
