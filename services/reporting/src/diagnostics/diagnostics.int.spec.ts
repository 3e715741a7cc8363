import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ContractEnvelope, EventData } from '@pushmfa/contracts';
import { challengeEvents } from '../mfa-report/mfa-report.test-events';
import { type HttpAnswer, ReportingTestApp } from '../reporting.test-app';
import type { Pool } from 'pg';
import { REPORTING_DATABASE } from '../reporting.di-tokens';
import { DiagnosticsSweeper } from './diagnostics-sweeper';

const DAY_MS = 24 * 3600 * 1000;

/** Shared app logs in reporting: stored from DiagnosticsShared, read by admins of their own workspace, deleted after retention. */
describe('diagnostics incidents', () => {
  let service: ReportingTestApp;
  const workspaceA = `ws-a-${randomUUID()}`;
  const workspaceB = `ws-b-${randomUUID()}`;
  let adminA: string;
  let adminB: string;
  let platformA: string;

  beforeAll(async () => {
    service = await ReportingTestApp.start('diagnostics');
    [adminA, adminB, platformA] = await Promise.all([
      service.issueApiKey(workspaceA, 'admin'),
      service.issueApiKey(workspaceB, 'admin'),
      service.issueApiKey(workspaceA, 'platform'),
    ]);
  });

  afterAll(async () => {
    await service?.stop();
  });

  const crockford = (n: number) => Array.from(randomBytes(n), (byte) => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[byte % 32]).join('');
  const incidentId = () => `INC-${crockford(4)}-${crockford(4)}`;
  const shared = (workspaceId: string, data: Partial<EventData<'DiagnosticsShared'>> & { sharedAt: string }) =>
    ({
      id: randomUUID(),
      type: 'DiagnosticsShared',
      version: 1,
      occurredAt: data.sharedAt,
      workspaceId,
      streamId: `diagnostics-${data.incidentId}`,
      correlationId: randomUUID(),
      data: {
        incidentId: incidentId(),
        userId: 'alice',
        deviceId: 'd1',
        expiresAt: new Date(Date.parse(data.sharedAt) + 30 * DAY_MS).toISOString(),
        logs: ['push registered, token [push token …abc123]', 'Accept tapped'],
        ...data,
      },
    }) as ContractEnvelope;

  const incident = (id: string, key = adminA) => service.get(`/v1/reports/diagnostics/${id}`, key);
  const stored = (id: string) =>
    service.eventually(
      () => incident(id),
      (answer: HttpAnswer) => answer.status === 200,
      `incident ${id}`,
    );

  it('stores an incident with its redacted logs, lists it without them, and puts it on its challenge’s timeline', async () => {
    const challengeId = randomUUID();
    const events = challengeEvents({ workspaceId: workspaceA, challengeId, userId: 'alice' });
    const sharedAt = new Date().toISOString();
    const event = shared(workspaceA, {
      sharedAt,
      challengeId,
      appVersion: '3.2.1',
      health: { notifications: 'denied' },
    });
    const id = (event.data as { incidentId: string }).incidentId;
    await service.publish(events.issued() as ContractEnvelope, event);

    const answer = await stored(id);
    expect(answer.body).toEqual({
      incidentId: id,
      userId: 'alice',
      deviceId: 'd1',
      challengeId,
      sharedAt,
      expiresAt: new Date(Date.parse(sharedAt) + 30 * DAY_MS).toISOString(),
      appVersion: '3.2.1',
      health: { notifications: 'denied' },
      lineCount: 2,
      logs: ['push registered, token [push token …abc123]', 'Accept tapped'],
    });
    // Typed as a person reads it: lower case, O for 0.
    expect((await incident(id.toLowerCase().replace(/0/g, 'o'))).body.incidentId).toBe(id);

    const list = await service.get(
      `/v1/reports/diagnostics?userId=alice&from=${encodeURIComponent(new Date(Date.parse(sharedAt) - 1000).toISOString())}`,
      adminA,
    );
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(expect.objectContaining({ incidentId: id, lineCount: 2, challengeId }));
    expect(list.body.items[0]).not.toHaveProperty('logs');
    expect(
      (await service.get(`/v1/reports/diagnostics?to=${encodeURIComponent(sharedAt)}`, adminA)).body.items.map((i: { incidentId: string }) => i.incidentId),
    ).not.toContain(id);

    const report = await service.eventually(
      () => service.get(`/v1/reports/mfa/${challengeId}`, adminA),
      (r: HttpAnswer) => r.status === 200 && r.body.timeline.some((e: { type: string }) => e.type === 'DiagnosticsShared'),
      'the share on the timeline',
    );
    const entry = report.body.timeline.find((e: { type: string }) => e.type === 'DiagnosticsShared');
    expect(entry).toMatchObject({ deviceId: 'd1', detail: { incidentId: id, lineCount: 2 } });
    expect(JSON.stringify(report.body)).not.toContain('Accept tapped');
  });

  it('answers not_found to another workspace, a platform key is forbidden, and bad filters are validation_failed', async () => {
    const event = shared(workspaceA, { sharedAt: new Date().toISOString() });
    const id = (event.data as { incidentId: string }).incidentId;
    await service.publish(event);
    await stored(id);
    expect(await incident(id, adminB)).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect((await service.get('/v1/reports/diagnostics', adminB)).body.items.map((i: { incidentId: string }) => i.incidentId)).not.toContain(id);
    expect(await incident(id, platformA)).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await incident('INC-NOPE')).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(await service.get('/v1/reports/diagnostics?from=yesterday', adminA)).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect(await service.get('/v1/reports/diagnostics?limit=0', adminA)).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
  });

  it('deletes incidents once their retention has run out, by the sweeper’s clock, and never stores one that arrives expired', async () => {
    const sharedAt = new Date().toISOString();
    const expiresAt = new Date(Date.parse(sharedAt) + 2 * DAY_MS);
    const keep = shared(workspaceA, { sharedAt, expiresAt: new Date(Date.parse(sharedAt) + 30 * DAY_MS).toISOString() });
    const expiring = shared(workspaceA, { sharedAt, expiresAt: expiresAt.toISOString() });
    const late = shared(workspaceA, {
      sharedAt: new Date(Date.now() - 40 * DAY_MS).toISOString(),
      expiresAt: new Date(Date.now() - 10 * DAY_MS).toISOString(),
    });
    const [keepId, expiringId, lateId] = [keep, expiring, late].map((e) => (e.data as { incidentId: string }).incidentId) as [string, string, string];
    await service.publish(late, keep, expiring);
    await Promise.all([stored(keepId), stored(expiringId)]);
    expect((await incident(lateId)).status).toBe(404);

    const sweeper = service.app.get(DiagnosticsSweeper);
    expect(await sweeper.sweepOnce(new Date(expiresAt.getTime() - 1000))).toBe(0);
    expect((await incident(expiringId)).status).toBe(200);
    expect(await sweeper.sweepOnce(new Date(expiresAt.getTime() + 1000))).toBeGreaterThanOrEqual(1);
    expect(await incident(expiringId)).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect((await incident(keepId)).status).toBe(200);
    const { rows } = await service.app
      .get<Pool>(REPORTING_DATABASE)
      .query('select incident_id from reporting.diagnostics_incidents where incident_id = any($1)', [[expiringId, lateId]]);
    expect(rows).toEqual([]);
  });
});
