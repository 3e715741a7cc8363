import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ContractEnvelope } from '@pushmfa/contracts';
import { challengeEvents } from './mfa-report/mfa-report.test-events';
import { type HttpAnswer, ReportingTestApp } from './reporting.test-app';

describe('MFA Report over Kafka and HTTP', () => {
  let service: ReportingTestApp;
  const workspaceA = `ws-a-${randomUUID()}`;
  const workspaceB = `ws-b-${randomUUID()}`;
  let adminA: string;
  let adminB: string;
  let platformA: string;

  beforeAll(async () => {
    service = await ReportingTestApp.start('reporting');
    [adminA, adminB, platformA] = await Promise.all([
      service.issueApiKey(workspaceA, 'admin'),
      service.issueApiKey(workspaceB, 'admin'),
      service.issueApiKey(workspaceA, 'platform'),
    ]);
  });

  afterAll(async () => {
    await service?.stop();
  });

  const challengeOf = (userId = 'alice@example.com') => {
    const challengeId = randomUUID();
    return { challengeId, ...challengeEvents({ workspaceId: workspaceA, challengeId, userId }) };
  };

  const reportShows = (challengeId: string, status: string) =>
    service.eventually(
      () => service.get(`/v1/reports/mfa/${challengeId}`, adminA),
      (answer: HttpAnswer) => answer.status === 200 && answer.body.status === status,
      `challenge ${challengeId} to show ${status}`,
    );

  it('reports success whatever order the events arrive in, and counts a redelivered event once', async () => {
    const c = challengeOf();
    const approved = c.approved('d1', 3);
    await service.publish(approved, c.dispatched('d1', 1), c.received('d1', 2));
    await service.publish(c.issued(['d1']), approved);

    const { body } = await reportShows(c.challengeId, 'success');
    expect(body).toMatchObject({
      challengeId: c.challengeId,
      userId: 'alice@example.com',
      deliveredAt: expect.any(String),
      receivedAt: expect.any(String),
      resolvedAt: expect.any(String),
      devices: [{ deviceId: 'd1', delivery: 'delivered' }],
      context: { ipAddress: '203.0.113.7', application: 'VPN' },
      fraudReported: false,
    });
    expect(body.timeline.map((entry: { type: string }) => entry.type)).toEqual(['ChallengeIssued', 'PushDispatched', 'ChallengeReceived', 'ChallengeApproved']);
  });

  it('reports failed, denied with fraud, expired and cancelled', async () => {
    const failed = challengeOf();
    const denied = challengeOf();
    const expired = challengeOf();
    const cancelled = challengeOf();
    await service.publish(
      failed.rejected('d2', 2),
      failed.issued(['d1', 'd2']),
      failed.pushFailed('d1', 3),
      denied.issued(),
      denied.fraudReported('d1', 4),
      denied.denied('d1', 4, 'fraud'),
      denied.dispatched('d1', 1),
      expired.expired(60),
      expired.issued(),
      expired.attemptFailed('d1', 1),
      cancelled.issued(),
      cancelled.cancelled(5),
    );

    const failedReport = await reportShows(failed.challengeId, 'failed');
    expect(failedReport.body.devices).toEqual([
      { deviceId: 'd1', delivery: 'failed' },
      { deviceId: 'd2', delivery: 'rejected' },
    ]);
    expect((await reportShows(denied.challengeId, 'denied')).body.fraudReported).toBe(true);
    expect((await reportShows(expired.challengeId, 'expired')).body.devices).toEqual([{ deviceId: 'd1', delivery: 'retrying' }]);
    await reportShows(cancelled.challengeId, 'cancelled');

    const { body } = await service.get('/v1/reports/mfa?status=cancelled', adminA);
    expect(body.items.map((row: { challengeId: string }) => row.challengeId)).toContain(cancelled.challengeId);
    expect(body.items.every((row: { status: string }) => row.status === 'cancelled')).toBe(true);
  });

  it('moves only forward: delivered, then received, then success, and a late dispatch changes nothing', async () => {
    const c = challengeOf();
    await service.publish(c.issued(['d1', 'd2']), c.dispatched('d1', 1));
    await reportShows(c.challengeId, 'delivered');
    await service.publish(c.received('d1', 2));
    await reportShows(c.challengeId, 'received');
    await service.publish(c.approved('d1', 3));
    await reportShows(c.challengeId, 'success');
    await service.publish(c.dispatched('d2', 1), c.dispatched('d1', 1));

    const { body } = await service.eventually(
      () => service.get(`/v1/reports/mfa/${c.challengeId}`, adminA),
      (answer: HttpAnswer) => answer.status === 200 && answer.body.devices.every((d: { delivery: string }) => d.delivery === 'delivered'),
      'the late dispatch recorded on the device',
    );
    expect(body.status).toBe('success');
  });

  it('is failed only when every device failed and nothing was received', async () => {
    const partly = challengeOf();
    const received = challengeOf();
    await service.publish(
      partly.issued(['d1', 'd2']),
      partly.pushFailed('d1', 1),
      partly.dispatched('d2', 1),
      received.issued(['d1']),
      received.received('d1', 1),
      received.pushFailed('d1', 2),
    );

    expect((await reportShows(partly.challengeId, 'delivered')).body.devices).toEqual([
      { deviceId: 'd1', delivery: 'failed' },
      { deviceId: 'd2', delivery: 'delivered' },
    ]);
    await reportShows(received.challengeId, 'received');
  });

  it("shows an admin's lift of the lock on the locking challenge's row, from the registry topic", async () => {
    const c = challengeOf();
    const lockedUntil = new Date(Date.now() + 15 * 60_000).toISOString();
    await service.publish(c.issued(), c.denied('d1', 4, 'fraud'), c.fraudReported('d1', 4), c.pushLockLifted(30, 'fraud_report', lockedUntil, 'key-help-desk'));
    const { body } = await service.eventually(
      () => service.get(`/v1/reports/mfa/${c.challengeId}`, adminA),
      (answer: HttpAnswer) => answer.status === 200 && answer.body.pushLock?.unlockedAt !== undefined,
      'the lift on the row',
    );
    expect(body.pushLock).toMatchObject({ reason: 'fraud_report', unlockedBy: { keyId: 'key-help-desk' } });
    expect(body.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'PushLockLifted', detail: expect.objectContaining({ unlockedBy: { keyId: 'key-help-desk' } }) }),
      ]),
    );
  });

  it('loses no fact when one challenge is updated from both topics at once', async () => {
    const c = challengeOf();
    const devices = Array.from({ length: 10 }, (_, i) => `d${i}`);
    await service.publish(c.issued(devices), c.received('d3', 2), ...devices.map((deviceId) => c.dispatched(deviceId, 1)), c.approved('d3', 3));

    const { body } = await service.eventually(
      () => service.get(`/v1/reports/mfa/${c.challengeId}`, adminA),
      (answer) => answer.status === 200 && answer.body.timeline.length === 13,
      'all 13 events on the timeline',
    );
    expect(body.status).toBe('success');
    expect(body.devices).toEqual(devices.map((deviceId) => ({ deviceId, delivery: 'delivered' })));
  });

  it('filters by user and shows a pending challenge', async () => {
    const c = challengeOf(`bob-${randomUUID()}`);
    await service.publish(c.issued(['d1']));
    await reportShows(c.challengeId, 'pending');
    const { body } = await service.get(`/v1/reports/mfa?userId=${encodeURIComponent(c.issued().data.userId as string)}`, adminA);
    expect(body).toEqual({ items: [expect.objectContaining({ challengeId: c.challengeId, status: 'pending' })], nextCursor: null });
  });

  it("never shows one workspace's challenges to another", async () => {
    const c = challengeOf();
    await service.publish(c.issued());
    await reportShows(c.challengeId, 'pending');

    expect(await service.get(`/v1/reports/mfa/${c.challengeId}`, adminB)).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect((await service.get('/v1/reports/mfa', adminB)).body).toEqual({ items: [], nextCursor: null });
  });

  it('answers only admin keys of the workspace', async () => {
    expect(await service.get('/v1/reports/mfa', platformA)).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await service.get('/v1/reports/mfa')).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    expect(await service.get('/v1/reports/mfa', 'pmk_not_a_key')).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=ten', 'limit'],
    ['status=approved', 'status'],
    ['from=yesterday', 'from'],
    ['to=2025-13-01', 'to'],
    ['cursor=not-a-cursor', 'cursor'],
  ])('refuses %s, naming the field', async (query, field) => {
    const answer = await service.get(`/v1/reports/mfa?${query}`, adminA);
    expect(answer).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [expect.objectContaining({ field })] } });
  });

  it("shows the device's last health report on the row: notifications turned off on Alice's iPhone", async () => {
    const c = challengeOf('alice-health');
    const deviceId = `dev-${randomUUID()}`;
    const registry = (type: 'DevicePaired' | 'DeviceHealthReported', data: Record<string, unknown>, occurredAt: string) =>
      ({
        id: randomUUID(),
        type,
        version: 1,
        occurredAt,
        workspaceId: workspaceA,
        streamId: `device-${deviceId}`,
        correlationId: randomUUID(),
        data,
      }) as ContractEnvelope;
    await service.publish(
      registry(
        'DevicePaired',
        {
          pairingId: randomUUID(),
          deviceId,
          userId: 'alice-health',
          name: "Alice's iPhone",
          platform: 'ios',
          pushProvider: 'apns',
          pushToken: 'tok',
          publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'x' },
          pairedAt: '2026-12-05T07:00:00.000Z',
        },
        '2026-12-05T07:00:00.000Z',
      ),
      registry(
        'DeviceHealthReported',
        { deviceId, userId: 'alice-health', reportedAt: '2026-12-05T07:30:00.000Z', notifications: 'denied', appVersion: '2.4.1' },
        '2026-12-05T07:30:00.000Z',
      ),
      // An older report arriving late changes nothing.
      registry(
        'DeviceHealthReported',
        { deviceId, userId: 'alice-health', reportedAt: '2026-12-05T07:10:00.000Z', notifications: 'allowed' },
        '2026-12-05T07:10:00.000Z',
      ),
      c.issued([deviceId]),
      c.dispatched(deviceId, 1),
    );
    const shown = await service.eventually(
      () => service.get(`/v1/reports/mfa/${c.challengeId}`, adminA),
      (answer: HttpAnswer) => answer.status === 200 && answer.body.status === 'delivered' && answer.body.healthSummary !== undefined,
      'the row to show the health',
    );
    expect(shown.body.healthSummary).toBe("Delivered — notifications are turned off on Alice's iPhone");
    expect(shown.body.devices).toEqual([
      { deviceId, delivery: 'delivered', health: { reportedAt: '2026-12-05T07:30:00.000Z', notifications: 'denied', appVersion: '2.4.1' } },
    ]);
    const listed = await service.get('/v1/reports/mfa?userId=alice-health', adminA);
    expect(listed.body.items[0]).toMatchObject({ challengeId: c.challengeId, healthSummary: "Delivered — notifications are turned off on Alice's iPhone" });
  });

  it('documents the row in /openapi.json', async () => {
    const { body } = await service.get('/openapi.json');
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/v1/reports/mfa', '/v1/reports/mfa/{challengeId}']));
    expect(Object.keys(body.components.schemas.MfaReportRowDto.properties)).toEqual(
      expect.arrayContaining(['challengeId', 'userId', 'status', 'createdAt', 'devices', 'context', 'fraudReported']),
    );
  });
});
