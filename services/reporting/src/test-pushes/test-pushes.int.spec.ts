import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ContractEnvelope } from '@pushmfa/contracts';
import { type HttpAnswer, ReportingTestApp } from '../reporting.test-app';

describe("admins' test pushes in the report, over Kafka and HTTP", () => {
  let service: ReportingTestApp;
  const workspaceA = `ws-a-${randomUUID()}`;
  const workspaceB = `ws-b-${randomUUID()}`;
  let adminA: string;
  let adminB: string;
  let platformA: string;

  beforeAll(async () => {
    service = await ReportingTestApp.start('test-pushes');
    [adminA, adminB, platformA] = await Promise.all([
      service.issueApiKey(workspaceA, 'admin'),
      service.issueApiKey(workspaceB, 'admin'),
      service.issueApiKey(workspaceA, 'platform'),
    ]);
  });

  afterAll(async () => {
    await service?.stop();
  });

  const event = (type: string, data: Record<string, unknown>, occurredAt = new Date().toISOString()) =>
    ({
      id: randomUUID(),
      type,
      version: 1,
      occurredAt,
      workspaceId: workspaceA,
      streamId: `s-${randomUUID()}`,
      correlationId: randomUUID(),
      data,
    }) as ContractEnvelope;

  const shows = (testPushId: string, status: string, also: (body: Record<string, unknown>) => boolean = () => true) =>
    service.eventually(
      () => service.get(`/v1/reports/test-pushes/${testPushId}`, adminA),
      (answer: HttpAnswer) => answer.status === 200 && answer.body.status === status && also(answer.body),
      `test push ${testPushId} to show ${status}`,
    );

  it('shows requested, then delivered, then received, with the device name, whatever order the topics deliver in', async () => {
    const deviceId = randomUUID();
    const testPushId = randomUUID();
    const ids = { testPushId, userId: 'alice', deviceId };
    const push = { ...ids, provider: 'apns', attempt: 1 };
    const paired = event('DevicePaired', {
      pairingId: randomUUID(),
      deviceId,
      userId: 'alice',
      name: "Alice's iPhone",
      platform: 'ios',
      pushProvider: 'apns',
      pushToken: 'tok',
      publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'x' },
      pairedAt: '2026-12-05T07:00:00.000Z',
    });
    const requested = event('TestPushRequested', { ...ids, requestedBy: { kind: 'admin', keyId: 'k-admin' }, requestedAt: '2026-12-05T12:00:00.000Z' });
    await service.publish(paired, requested);
    const first = await shows(testPushId, 'requested');
    expect(first.body).toEqual({
      ...ids,
      deviceName: "Alice's iPhone",
      requestedAt: '2026-12-05T12:00:00.000Z',
      requestedBy: { keyId: 'k-admin' },
      status: 'requested',
    });

    // The receipt may arrive before the delivery event (two topics); a redelivered event changes nothing.
    const received = event('TestPushReceived', { ...ids, receivedAt: '2026-12-05T12:00:02.000Z' });
    const attemptFailed = event('PushAttemptFailed', { ...push, reason: 'transient: 503', retryInMs: 1000 }, '2026-12-05T12:00:00.500Z');
    const dispatched = event('PushDispatched', { ...push, attempt: 2, providerMessageId: 'apns-1', latencyMs: 20 }, '2026-12-05T12:00:01.000Z');
    await service.publish(received, attemptFailed, dispatched, dispatched);
    // Both topics applied: the receipt (registry topic) and the delivery (delivery topic) land in either order.
    const last = await shows(testPushId, 'received', (body) => body.deliveredAt !== undefined);
    expect(last.body).toMatchObject({ deliveredAt: '2026-12-05T12:00:01.000Z', receivedAt: '2026-12-05T12:00:02.000Z' });
    expect(last.body.failure).toBeUndefined();

    const listed = await service.get(`/v1/reports/test-pushes?userId=alice&deviceId=${deviceId}`, adminA);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([last.body]);
  });

  it('names a failure in the help desk’s words: a dead token is the phone, a provider error is the server', async () => {
    const deadToken = { testPushId: randomUUID(), userId: 'bob', deviceId: randomUUID() };
    const serverSide = { testPushId: randomUUID(), userId: 'bob', deviceId: randomUUID() };
    const at = '2026-12-05T12:10:00.000Z';
    await service.publish(
      event('TestPushRequested', { ...deadToken, requestedBy: { kind: 'admin', keyId: 'k' }, requestedAt: at }),
      event('PushRejected', { ...deadToken, provider: 'fcm', attempt: 1, reason: 'messaging/registration-token-not-registered' }),
      event('TestPushRequested', { ...serverSide, requestedBy: { kind: 'admin', keyId: 'k' }, requestedAt: at }),
      event('PushFailed', { ...serverSide, provider: 'apns', attempt: 1, reason: 'provider_unavailable' }),
    );
    const phone = await shows(deadToken.testPushId, 'failed');
    expect(phone.body.failure).toEqual({
      reason: 'messaging/registration-token-not-registered',
      summary: expect.stringContaining('no longer knows this phone'),
    });
    const server = await shows(serverSide.testPushId, 'failed');
    expect(server.body.failure.summary).toContain('a server problem, not the phone');

    const listed = await service.get('/v1/reports/test-pushes?userId=bob', adminA);
    expect(listed.body.items.map((item: { testPushId: string }) => item.testPushId).sort()).toEqual([deadToken.testPushId, serverSide.testPushId].sort());
  });

  it("answers 404 for another workspace's test push, 403 to a platform key and 400 for an unknown filter", async () => {
    const ids = { testPushId: randomUUID(), userId: 'carol', deviceId: randomUUID() };
    await service.publish(event('TestPushRequested', { ...ids, requestedBy: { kind: 'admin', keyId: 'k' }, requestedAt: new Date().toISOString() }));
    await shows(ids.testPushId, 'requested');
    expect((await service.get(`/v1/reports/test-pushes/${ids.testPushId}`, adminB)).status).toBe(404);
    expect((await service.get('/v1/reports/test-pushes?userId=carol', adminB)).body.items).toEqual([]);
    expect((await service.get(`/v1/reports/test-pushes/${ids.testPushId}`, platformA)).status).toBe(403);
    const refused = await service.get('/v1/reports/test-pushes?colour=red', adminA);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('validation_failed');
  });

  it('documents the paths and the test push in /openapi.json', async () => {
    const { body } = await service.get('/openapi.json');
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/v1/reports/test-pushes', '/v1/reports/test-pushes/{testPushId}']));
    expect(body.components.schemas.TestPushDto.properties.status.enum).toEqual(['requested', 'delivered', 'failed', 'received']);
  });
});
