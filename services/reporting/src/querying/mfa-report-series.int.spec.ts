import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { challengeEvents, timeAt } from '../mfa-report/mfa-report.test-events';
import { ReportingTestApp } from '../reporting.test-app';

describe('MFA Report summary series', () => {
  let service: ReportingTestApp;
  const workspaceId = `ws-series-${randomUUID()}`;
  const otherWorkspaceId = `ws-series-other-${randomUUID()}`;
  let admin: string;
  let platform: string;
  const twoMinutes = `from=${encodeURIComponent(timeAt(0))}&to=${encodeURIComponent(timeAt(120))}`;

  const challenge = (ws = workspaceId) => challengeEvents({ workspaceId: ws, challengeId: randomUUID(), userId: 'frank' });

  beforeAll(async () => {
    service = await ReportingTestApp.start('reportseries');
    [admin, platform] = await Promise.all([service.issueApiKey(workspaceId, 'admin'), service.issueApiKey(workspaceId, 'platform')]);
    const [a, b, c, d] = Array.from({ length: 4 }, () => challenge());
    const other = challenge(otherWorkspaceId);
    await service.publish(
      // First minute: delivered after 1 s and 2 s, answered after 5 s (success) and 4 s (denied).
      a!.issued(['d1'], 0),
      a!.dispatched('d1', 1),
      a!.approved('d1', 5),
      b!.issued(['d1'], 10),
      b!.dispatched('d1', 12),
      b!.denied('d1', 14),
      // Second minute: one expired without delivery, one still pending.
      c!.issued(['d1'], 65),
      c!.expired(125),
      d!.issued(['d1'], 70),
      other.issued(['d1'], 5),
      other.dispatched('d1', 6),
      other.approved('d1', 7),
    );
    await service.eventually(
      () => service.get(`/v1/reports/mfa/summary/series?${twoMinutes}`, admin),
      (answer) =>
        answer.status === 200 &&
        answer.body.buckets[0].counts.success === 1 &&
        answer.body.buckets[0].counts.denied === 1 &&
        answer.body.buckets[0].latencyMs.issueToDelivered.count === 2 &&
        answer.body.buckets[1].counts.expired === 1 &&
        answer.body.buckets[1].total === 2,
      'every event of the four challenges',
    );
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('cuts the window into buckets with counts by status and latency percentiles each', async () => {
    const { status, body } = await service.get(`/v1/reports/mfa/summary/series?${twoMinutes}&bucketSeconds=60`, admin);
    expect(status).toBe(200);
    expect(body).toEqual({
      from: timeAt(0),
      to: timeAt(120),
      bucketSeconds: 60,
      buckets: [
        {
          start: timeAt(0),
          total: 2,
          counts: { pending: 0, delivered: 0, received: 0, success: 1, denied: 1, expired: 0, failed: 0, cancelled: 0 },
          latencyMs: {
            issueToDelivered: { count: 2, p50: 1500, p95: 1950, p99: 1990 },
            issueToResolved: { count: 2, p50: 4500, p95: 4950, p99: 4990 },
          },
        },
        {
          start: timeAt(60),
          total: 2,
          counts: { pending: 1, delivered: 0, received: 0, success: 0, denied: 0, expired: 1, failed: 0, cancelled: 0 },
          latencyMs: {
            issueToDelivered: { count: 0, p50: null, p95: null, p99: null },
            issueToResolved: { count: 0, p50: null, p95: null, p99: null },
          },
        },
      ],
    });
  });

  it('answers every bucket of the window, the empty ones with zeros, and nothing outside it', async () => {
    const window = `from=${encodeURIComponent(timeAt(60))}&to=${encodeURIComponent(timeAt(240))}&bucketSeconds=30`;
    const { body } = await service.get(`/v1/reports/mfa/summary/series?${window}`, admin);
    expect(body.buckets.map((bucket: { start: string; total: number }) => [bucket.start, bucket.total])).toEqual([
      [timeAt(60), 2],
      [timeAt(90), 0],
      [timeAt(120), 0],
      [timeAt(150), 0],
      [timeAt(180), 0],
      [timeAt(210), 0],
    ]);
  });

  it("never counts another workspace's challenges", async () => {
    const { body } = await service.get(`/v1/reports/mfa/summary/series?${twoMinutes}`, admin);
    expect(body.buckets[0].counts.success).toBe(1);
    expect(body.buckets.reduce((sum: number, bucket: { total: number }) => sum + bucket.total, 0)).toBe(4);
  });

  it('answers only an admin key', async () => {
    expect((await service.get(`/v1/reports/mfa/summary/series?${twoMinutes}`)).status).toBe(401);
    expect((await service.get(`/v1/reports/mfa/summary/series?${twoMinutes}`, platform)).status).toBe(403);
  });

  it('refuses a window without an end, backwards, or with too many buckets, naming the field', async () => {
    const fieldsOf = async (query: string) => {
      const answer = await service.get(`/v1/reports/mfa/summary/series?${query}`, admin);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('validation_failed');
      return answer.body.errors.map((error: { field: string }) => error.field);
    };
    expect(await fieldsOf(`from=${encodeURIComponent(timeAt(0))}`)).toEqual(['to']);
    expect(await fieldsOf(`from=${encodeURIComponent(timeAt(60))}&to=${encodeURIComponent(timeAt(0))}`)).toEqual(['to']);
    expect(await fieldsOf(`${twoMinutes}&bucketSeconds=0`)).toEqual(['bucketSeconds']);
    const aDay = `from=${encodeURIComponent(timeAt(0))}&to=${encodeURIComponent(new Date(Date.parse(timeAt(0)) + 86_400_001).toISOString())}`;
    expect(await fieldsOf(`${aDay}&bucketSeconds=60`)).toEqual(['bucketSeconds']);
  });
});
