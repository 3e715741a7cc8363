import { describe, expect, it } from '@jest/globals';
import { evolveReportFacts } from './mfa-report.evolve';
import type { ReportEvent } from './mfa-report.events';
import { initialReportFacts, type MfaReportFacts } from './mfa-report.facts';
import { type MfaReportDetail, reportDetailOf } from './mfa-report.row';
import {
  approved,
  attemptFailed,
  cancelled,
  CHALLENGE_ID,
  denied,
  dispatched,
  expired,
  fraudReported,
  issued,
  pushFailed,
  pushLocked,
  pushUnlocked,
  pushLockLifted,
  received,
  rejected,
  timeAt,
  WORKSPACE_ID,
} from './mfa-report.test-events';

function project(events: ReportEvent[]): MfaReportFacts {
  return events.reduce(evolveReportFacts, initialReportFacts(WORKSPACE_ID, CHALLENGE_ID));
}

/** given these events happened, when they (or a late one) arrive in this order, then the admin reads this. */
function given(...history: ReportEvent[]) {
  return {
    when: (...arriving: ReportEvent[]) => ({
      then: (expected: Partial<MfaReportDetail>) => expect(reportDetailOf(project([...history, ...arriving]))).toMatchObject(expected),
    }),
  };
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('MFA Report status, derived from facts', () => {
  it('is pending when only issued', () =>
    given()
      .when(issued(['d1']))
      .then({ status: 'pending', devices: [{ deviceId: 'd1', delivery: 'pending' }], fraudReported: false }));

  it('is delivered once a provider accepted the push', () =>
    given(issued(['d1', 'd2']))
      .when(dispatched('d2', 1))
      .then({
        status: 'delivered',
        deliveredAt: timeAt(1),
        devices: [
          { deviceId: 'd1', delivery: 'pending' },
          { deviceId: 'd2', delivery: 'delivered' },
        ],
      }));

  it('is received, then success when approved', () => {
    given(issued(), dispatched('d1', 1))
      .when(received('d1', 2))
      .then({ status: 'received', receivedAt: timeAt(2) });
    given(issued(), dispatched('d1', 1), received('d1', 2))
      .when(approved('d1', 3))
      .then({ status: 'success', resolvedAt: timeAt(3) });
  });

  it('says an approval with the offline code was one, on the row and on its timeline entry', () => {
    given(issued(), dispatched('d1', 1))
      .when({ ...approved('d2', 40), data: { ...approved('d2', 40).data, method: 'offline_code' } } as ReportEvent)
      .then({
        status: 'success',
        approvedWith: 'offline_code',
        resolvedAt: timeAt(40),
        timeline: expect.arrayContaining([
          expect.objectContaining({ type: 'ChallengeApproved', deviceId: 'd2', detail: { method: 'offline_code' } }),
        ]) as unknown as MfaReportDetail['timeline'],
      });
    expect(reportDetailOf(project([issued(), approved('d1', 3)]))).not.toHaveProperty('approvedWith');
  });

  it('is denied when the user denies', () =>
    given(issued(), dispatched('d1', 1))
      .when(denied('d1', 4))
      .then({ status: 'denied', resolvedAt: timeAt(4) }));

  it('is expired when nobody answers', () =>
    given(issued(), dispatched('d1', 1))
      .when(expired(60))
      .then({ status: 'expired', resolvedAt: timeAt(60) }));

  it('is cancelled when the platform cancels', () =>
    given(issued())
      .when(cancelled(5))
      .then({ status: 'cancelled', resolvedAt: timeAt(5) }));

  it('is failed when every targeted device failed or was rejected', () =>
    given(issued(['d1', 'd2']), pushFailed('d1', 1))
      .when(rejected('d2', 2))
      .then({
        status: 'failed',
        devices: [
          { deviceId: 'd1', delivery: 'failed' },
          { deviceId: 'd2', delivery: 'rejected' },
        ],
      }));

  it('stays pending while another device is still being tried', () =>
    given(issued(['d1', 'd2']), pushFailed('d1', 1))
      .when(attemptFailed('d2', 2))
      .then({
        status: 'pending',
        devices: [
          { deviceId: 'd1', delivery: 'failed' },
          { deviceId: 'd2', delivery: 'retrying' },
        ],
      }));

  it('is delivered, not failed, when one device was reached and the other failed', () =>
    given(issued(['d1', 'd2']), rejected('d1', 1))
      .when(dispatched('d2', 2))
      .then({ status: 'delivered' }));

  it('marks fraud reported, from FraudReported or a fraud denial', () => {
    given(issued(), denied('d1', 3)).when(fraudReported('d1', 3)).then({ status: 'denied', fraudReported: true });
    given(issued())
      .when(denied('d1', 3, 'fraud'))
      .then({ fraudReported: true });
  });
});

describe('MFA Report, out of order and duplicated', () => {
  it('flags a fraud report made after the decision, keeps the outcome, and says push locked and why', () => {
    given(issued(), approved('d1', 4))
      .when(fraudReported('d2', 9, 'approved'))
      .then({
        status: 'success',
        fraudReported: true,
        pushLock: { reason: 'fraud_report', lockedUntil: timeAt(909) },
        timeline: expect.arrayContaining([
          expect.objectContaining({ type: 'FraudReported', deviceId: 'd2', detail: { lockedUntil: timeAt(909), challengeStatus: 'approved' } }),
        ]) as unknown as MfaReportDetail['timeline'],
      });
    given(issued(), denied('d1', 4))
      .when(fraudReported('d1', 6, 'denied'))
      .then({ status: 'denied', reason: 'user_denied', fraudReported: true });
  });

  it('says a wrong number locked push, and which requests the lock cancelled', () => {
    given(issued())
      .when(denied('d1', 4, 'number_mismatch'), pushLocked(4))
      .then({
        status: 'denied',
        reason: 'number_mismatch',
        fraudReported: false,
        pushLock: { reason: 'number_mismatch', lockedUntil: timeAt(904) },
        timeline: expect.arrayContaining([
          expect.objectContaining({ type: 'PushLocked', detail: { reason: 'number_mismatch', lockedUntil: timeAt(904), consecutiveMismatches: 3 } }),
        ]) as unknown as MfaReportDetail['timeline'],
      });
    given(issued())
      .when(cancelled(5, 'push_locked'))
      .then({
        status: 'cancelled',
        reason: 'push_locked',
        timeline: expect.arrayContaining([
          expect.objectContaining({ type: 'ChallengeCancelled', detail: { reason: 'push_locked' } }),
        ]) as unknown as MfaReportDetail['timeline'],
      });
    // A cancellation recorded before reasons existed was the platform's.
    given(issued()).when(cancelled(5)).then({ status: 'cancelled', reason: 'platform' });
  });

  it('says a request was superseded by a newer one, naming it', () => {
    given(issued())
      .when(cancelled(5, 'superseded', 'ch-2'))
      .then({
        status: 'cancelled',
        reason: 'superseded',
        supersededBy: 'ch-2',
        timeline: expect.arrayContaining([
          expect.objectContaining({ type: 'ChallengeCancelled', detail: { reason: 'superseded', supersededBy: 'ch-2' } }),
        ]) as unknown as MfaReportDetail['timeline'],
      });
  });

  it('says when an admin lifted the lock this request caused, and with which key, in any arrival order', () => {
    given(issued(), denied('d1', 4, 'number_mismatch'), pushLocked(4))
      .when(pushUnlocked(30, 'number_mismatch', timeAt(904)))
      .then({
        status: 'denied',
        pushLock: { reason: 'number_mismatch', lockedUntil: timeAt(904), unlockedAt: timeAt(30), unlockedBy: { keyId: 'admin-key-1' } },
        timeline: expect.arrayContaining([
          expect.objectContaining({
            type: 'PushUnlocked',
            at: timeAt(30),
            detail: { unlockedBy: { keyId: 'admin-key-1' }, reason: 'number_mismatch', lockedUntil: timeAt(904) },
          }),
        ]) as unknown as MfaReportDetail['timeline'],
      });
    const events = [issued(), approved('d1', 4), fraudReported('d2', 9, 'approved'), pushUnlocked(20, 'fraud_report', timeAt(909))];
    const expected = reportDetailOf(project(events));
    expect(expected?.pushLock).toEqual({ reason: 'fraud_report', lockedUntil: timeAt(909), unlockedAt: timeAt(20), unlockedBy: { keyId: 'admin-key-1' } });
    expect(expected?.timeline.map((entry) => entry.type)).toEqual(['ChallengeIssued', 'ChallengeApproved', 'FraudReported', 'PushUnlocked']);
    for (const order of permutations(events)) expect(reportDetailOf(project(order))).toEqual(expected);
  });

  it("shows the registry's PushLockLifted on the row of the challenge whose lock it lifted, in any arrival order", () => {
    given(issued(), denied('d1', 4, 'fraud'), fraudReported('d1', 4))
      .when(pushLockLifted(40, 'fraud_report', timeAt(904)))
      .then({
        pushLock: { reason: 'fraud_report', lockedUntil: timeAt(904), unlockedAt: timeAt(40), unlockedBy: { keyId: 'admin-key-1' } },
        timeline: expect.arrayContaining([
          expect.objectContaining({
            type: 'PushLockLifted',
            at: timeAt(40),
            detail: { unlockedBy: { keyId: 'admin-key-1' }, reason: 'fraud_report', lockedUntil: timeAt(904) },
          }),
        ]) as unknown as MfaReportDetail['timeline'],
      });
    const events = [issued(), denied('d1', 4, 'number_mismatch'), pushLocked(4), pushLockLifted(20, 'number_mismatch', timeAt(904))];
    const expected = reportDetailOf(project(events));
    expect(expected?.timeline.map((entry) => entry.type)).toEqual(['ChallengeIssued', 'ChallengeDenied', 'PushLocked', 'PushLockLifted']);
    for (const order of permutations(events)) expect(reportDetailOf(project(order))).toEqual(expected);
  });

  it('keeps success when a PushDispatched arrives after the approval', () =>
    given(issued(), received('d1', 2), approved('d1', 3))
      .when(dispatched('d1', 1))
      .then({ status: 'success', deliveredAt: timeAt(1) }));

  it('shows no row until ChallengeIssued arrives, then the right status', () => {
    const early = project([approved('d1', 3), dispatched('d1', 1)]);
    expect(reportDetailOf(early)).toBeUndefined();
    expect(early.userId).toBe('alice@example.com');
    expect(reportDetailOf(evolveReportFacts(early, issued()))).toMatchObject({ status: 'success' });
  });

  it('only counts targets as failed once it knows who was targeted', () =>
    given(pushFailed('d1', 1), pushFailed('d2', 1))
      .when(issued(['d1', 'd2']))
      .then({ status: 'failed' }));

  it('gives the same row and timeline for every arrival order', () => {
    const events = [issued(['d1', 'd2']), attemptFailed('d1', 1), dispatched('d1', 2), rejected('d2', 2), received('d1', 3), approved('d1', 4)];
    const expected = reportDetailOf(project(events));
    expect(expected).toMatchObject({
      status: 'success',
      devices: [
        { deviceId: 'd1', delivery: 'delivered' },
        { deviceId: 'd2', delivery: 'rejected' },
      ],
    });
    for (const order of permutations(events)) expect(reportDetailOf(project(order))).toEqual(expected);
  });

  it('changes nothing when an event is delivered twice', () => {
    const events = [issued(), dispatched('d1', 1), received('d1', 2)];
    const once = project(events);
    const twice = project([...events, ...events]);
    expect(twice).toEqual(once);
    expect(reportDetailOf(twice)?.timeline.map((entry) => entry.type)).toEqual(['ChallengeIssued', 'PushDispatched', 'ChallengeReceived']);
  });

  it('keeps the earliest resolution if two ever arrive', () =>
    given(issued(), expired(60))
      .when(approved('d1', 10))
      .then({ status: 'success', resolvedAt: timeAt(10) }));

  it('records what an admin needs in the timeline', () =>
    given(issued(), attemptFailed('d1', 1))
      .when(denied('d1', 2, 'number_mismatch'))
      .then({
        timeline: [
          { type: 'ChallengeIssued', at: timeAt(0), detail: { expiresAt: timeAt(59), devices: 1 } },
          { type: 'PushAttemptFailed', at: timeAt(1), deviceId: 'd1', detail: { provider: 'fcm', attempt: 1, reason: 'unavailable', retryInMs: 500 } },
          { type: 'ChallengeDenied', at: timeAt(2), deviceId: 'd1', detail: { reason: 'number_mismatch' } },
        ],
      }));
});
