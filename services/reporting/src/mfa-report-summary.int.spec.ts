import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { challengeEvents, timeAt } from './mfa-report/mfa-report.test-events';
import { ReportingTestApp } from './reporting.test-app';

describe('MFA Report summary', () => {
  let service: ReportingTestApp;
  const workspaceId = `ws-summary-${randomUUID()}`;
  const otherWorkspaceId = `ws-summary-other-${randomUUID()}`;
  let admin: string;
  let otherAdmin: string;

  const challenge = (ws = workspaceId) => challengeEvents({ workspaceId: ws, challengeId: randomUUID(), userId: 'erin' });

  beforeAll(async () => {
    service = await ReportingTestApp.start('reportsummary');
    [admin, otherAdmin] = await Promise.all([service.issueApiKey(workspaceId, 'admin'), service.issueApiKey(otherWorkspaceId, 'admin')]);
    const [a, b, c, d, e, f] = Array.from({ length: 6 }, () => challenge());
    const other = challenge(otherWorkspaceId);
    await service.publish(
      // Delivered after 1 s, 2 s, 3 s and 4 s; answered after 5 s (success) and 4 s (denied).
      a!.issued(['d1'], 0),
      a!.dispatched('d1', 1),
      a!.received('d1', 2),
      a!.approved('d1', 5),
      b!.issued(['d1'], 10),
      b!.dispatched('d1', 12),
      b!.denied('d1', 14),
      c!.issued(['d1'], 20),
      c!.dispatched('d1', 23),
      c!.expired(80),
      d!.issued(['d1'], 30),
      d!.dispatched('d1', 34),
      e!.issued(['d1'], 40),
      e!.pushFailed('d1', 41),
      f!.issued(['d1'], 50),
      other.issued(['d1'], 5),
      other.dispatched('d1', 65),
      other.approved('d1', 70),
    );
    await service.eventually(
      () => service.get('/v1/reports/mfa/summary', admin),
      // Challenge and delivery events travel on two topics: wait until both have been applied in full.
      (answer) =>
        answer.status === 200 &&
        answer.body.total === 6 &&
        answer.body.counts.pending === 1 &&
        answer.body.latencyMs.issueToDelivered.count === 4 &&
        answer.body.latencyMs.issueToResolved.count === 2 &&
        answer.body.counts.failed === 1 &&
        answer.body.counts.expired === 1,
      'every event of the six challenges',
    );
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('counts every status and computes percentiles of delivery and response latency', async () => {
    const { status, body } = await service.get('/v1/reports/mfa/summary', admin);
    expect(status).toBe(200);
    expect(body).toEqual({
      total: 6,
      counts: { pending: 1, delivered: 1, received: 0, success: 1, denied: 1, expired: 1, failed: 1, cancelled: 0 },
      latencyMs: {
        // percentile_cont interpolates: over 1000, 2000, 3000, 4000 the 95th is 1000 + 0.95 × 3 × 1000.
        issueToDelivered: { count: 4, p50: 2500, p95: 3850, p99: 3970 },
        issueToResolved: { count: 2, p50: 4500, p95: 4950, p99: 4990 },
      },
    });
  });

  it('summarizes only the challenges created in the window, from inclusive and to exclusive', async () => {
    const window = `from=${encodeURIComponent(timeAt(10))}&to=${encodeURIComponent(timeAt(30))}`;
    const { body } = await service.get(`/v1/reports/mfa/summary?${window}`, admin);
    expect(body.total).toBe(2);
    expect(body.counts).toMatchObject({ denied: 1, expired: 1, success: 0 });
    expect(body.latencyMs.issueToDelivered).toEqual({ count: 2, p50: 2500, p95: 2950, p99: 2990 });
    expect(body.latencyMs.issueToResolved).toEqual({ count: 1, p50: 4000, p95: 4000, p99: 4000 });
  });

  it('answers zeros and null percentiles for an empty window', async () => {
    const { body } = await service.get(`/v1/reports/mfa/summary?from=${encodeURIComponent(timeAt(5000))}`, admin);
    expect(body.total).toBe(0);
    expect(body.latencyMs.issueToDelivered).toEqual({ count: 0, p50: null, p95: null, p99: null });
  });

  it("never counts another workspace's challenges", async () => {
    const { body } = await service.eventually(
      () => service.get('/v1/reports/mfa/summary', otherAdmin),
      (answer) => answer.status === 200 && answer.body.counts.success === 1 && answer.body.latencyMs.issueToDelivered.count === 1,
      "the other workspace's challenge",
    );
    expect(body.total).toBe(1);
    expect(body.counts.success).toBe(1);
    expect(body.latencyMs.issueToDelivered).toEqual({ count: 1, p50: 60000, p95: 60000, p99: 60000 });
  });

  it('refuses a caller without an admin key and a malformed window', async () => {
    expect((await service.get('/v1/reports/mfa/summary')).status).toBe(401);
    const bad = await service.get('/v1/reports/mfa/summary?from=yesterday', admin);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
  });
});
