import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ContractEnvelope } from '@pushmfa/contracts';
import { challengeEvents } from './mfa-report/mfa-report.test-events';
import { type HttpAnswer, ReportingTestApp } from './reporting.test-app';

/**
 * The report's filters on facts: fraudReported, deviceId, application, ipAddress and the health badge, on the list
 * (paged by cursor) and the CSV export, each validated; another workspace's rows never match.
 */
describe('MFA Report filters', () => {
  let service: ReportingTestApp;
  const workspaceId = `ws-filters-${randomUUID()}`;
  const otherWorkspace = `ws-filters-other-${randomUUID()}`;
  const poolWorkspace = `ws-filters-pools-${randomUUID()}`;
  let admin: string;
  let otherAdmin: string;
  let poolAdmin: string;
  const phone = `dev-${randomUUID()}`;
  const tablet = `dev-${randomUUID()}`;
  const ids: Record<string, string> = {};

  /** A challenge at `second` targeting `devices`, with its own sign-in context, and what happened to it after. */
  function challenge(name: string, second: number, devices: string[], context: Record<string, string>, workspace = workspaceId): ContractEnvelope[] {
    const challengeId = randomUUID();
    ids[name] = challengeId;
    const c = challengeEvents({ workspaceId: workspace, challengeId, userId: `user-${name}` });
    return [withContext(c.issued(devices, second), context)];
  }

  /** A challenge issued for a user of `poolId`, pushed as the `factor`. */
  function pooled(name: string, second: number, poolId: string, factor: 'first' | 'second'): ContractEnvelope[] {
    const [issued] = challenge(name, second, ['dev-pooled'], { application: 'Payroll' }, poolWorkspace);
    return [{ ...issued, data: { ...issued!.data, poolId, factor } } as ContractEnvelope];
  }

  const withContext = (issued: ContractEnvelope, context: Record<string, string>) => ({ ...issued, data: { ...issued.data, context } }) as ContractEnvelope;

  const healthReport = (deviceId: string, health: Record<string, unknown>): ContractEnvelope =>
    ({
      id: randomUUID(),
      type: 'DeviceHealthReported',
      version: 1,
      occurredAt: '2026-12-05T07:30:00.000Z',
      workspaceId,
      streamId: `device-${deviceId}`,
      correlationId: randomUUID(),
      data: { deviceId, userId: 'user-health', reportedAt: '2026-12-05T07:30:00.000Z', ...health },
    }) as ContractEnvelope;

  beforeAll(async () => {
    service = await ReportingTestApp.start('reportfilters');
    [admin, otherAdmin, poolAdmin] = await Promise.all([
      service.issueApiKey(workspaceId, 'admin'),
      service.issueApiKey(otherWorkspace, 'admin'),
      service.issueApiKey(poolWorkspace, 'admin'),
    ]);
    const fraud = challengeEvents({ workspaceId, challengeId: randomUUID(), userId: 'user-fraud' });
    ids.fraud = fraud.issued([phone], 1).data.challengeId as string;
    await service.publish(
      ...challenge('vpnPhone', 10, [phone], { application: 'VPN', ipAddress: '203.0.113.7' }),
      ...challenge('vpnTablet', 20, [tablet], { application: 'VPN', ipAddress: '2001:db8::1' }),
      ...challenge('payroll', 30, [tablet], { application: 'Payroll', ipAddress: '203.0.113.7' }),
      ...challenge('bare', 40, ['dev-elsewhere'], {}),
      ...challenge('otherVpn', 50, [phone], { application: 'VPN', ipAddress: '203.0.113.7' }, otherWorkspace),
      withContext(fraud.issued([phone], 5), { application: 'Mail', ipAddress: '198.51.100.9' }),
      fraud.denied(phone, 6, 'fraud'),
      fraud.fraudReported(phone, 6),
      ...pooled('engineersFirst', 60, 'pool-eng', 'first'),
      ...pooled('engineersSecond', 70, 'pool-eng', 'second'),
      ...challenge('unpooled', 80, ['dev-pooled'], { application: 'Payroll' }, poolWorkspace),
      healthReport(tablet, { notifications: 'denied', focusMode: true }),
      healthReport(phone, { notifications: 'allowed', batterySaver: true }),
    );
    await service.eventually(
      () => service.get('/v1/reports/mfa?health=notifications_off', admin),
      (answer: HttpAnswer) => answer.status === 200 && answer.body.items.length === 2,
      'the rows and the devices health',
    );
    await service.eventually(
      () => service.get('/v1/reports/mfa?fraudReported=true', admin),
      (answer: HttpAnswer) => answer.status === 200 && answer.body.items.length === 1,
      'the fraud report',
    );
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  const names = (answer: HttpAnswer) =>
    (answer.body.items as { challengeId: string }[]).map((row) => Object.keys(ids).find((name) => ids[name] === row.challengeId) ?? row.challengeId);
  const list = async (query: string) => {
    const answer = await service.get(`/v1/reports/mfa?${query}`, admin);
    expect(answer.status).toBe(200);
    return names(answer);
  };

  it('filters on fraudReported, newest first', async () => {
    expect(await list('fraudReported=true')).toEqual(['fraud']);
    expect(await list('fraudReported=false')).toEqual(['bare', 'payroll', 'vpnTablet', 'vpnPhone']);
  });

  it('filters on a device the row targeted, application and IP address, alone and together', async () => {
    expect(await list(`deviceId=${phone}`)).toEqual(['vpnPhone', 'fraud']);
    expect(await list('application=VPN')).toEqual(['vpnTablet', 'vpnPhone']);
    expect(await list('ipAddress=203.0.113.7')).toEqual(['payroll', 'vpnPhone']);
    expect(await list(`ipAddress=${encodeURIComponent('2001:db8::1')}`)).toEqual(['vpnTablet']);
    expect(await list(`application=VPN&ipAddress=203.0.113.7&deviceId=${phone}&fraudReported=false`)).toEqual(['vpnPhone']);
    expect(await list('application=Nothing')).toEqual([]);
  });

  it('filters on the identity pool and the factor; rows from before pools are in the default pool, second factor', async () => {
    const inPools = async (query: string) => {
      const answer = await service.get(`/v1/reports/mfa?${query}`, poolAdmin);
      expect(answer.status).toBe(200);
      return names(answer);
    };
    await service.eventually(
      () => service.get('/v1/reports/mfa', poolAdmin),
      (answer: HttpAnswer) => answer.status === 200 && answer.body.items.length === 3,
      'the pooled rows',
    );
    expect(await inPools('poolId=pool-eng')).toEqual(['engineersSecond', 'engineersFirst']);
    expect(await inPools('poolId=pool-eng&factor=first')).toEqual(['engineersFirst']);
    expect(await inPools('factor=second')).toEqual(['unpooled', 'engineersSecond']);
    expect(await inPools('poolId=default&application=Payroll')).toEqual(['unpooled']);
    expect((await service.get(`/v1/reports/mfa/${ids.unpooled}`, poolAdmin)).body).toMatchObject({ poolId: 'default', factor: 'second' });
    expect(await list('poolId=pool-eng')).toEqual([]);
  });

  it("filters on the health badge of the row's devices", async () => {
    expect(await list('health=notifications_off')).toEqual(['payroll', 'vpnTablet']);
    expect(await list('health=focus_mode&application=VPN')).toEqual(['vpnTablet']);
    expect(await list('health=battery_saver')).toEqual(['vpnPhone', 'fraud']);
    expect(await list('health=background_refresh_off')).toEqual([]);
  });

  it('pages a filtered list by cursor, every row once', async () => {
    const first = await service.get('/v1/reports/mfa?application=VPN&limit=1', admin);
    expect(names(first)).toEqual(['vpnTablet']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await service.get(`/v1/reports/mfa?application=VPN&limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`, admin);
    expect(names(second)).toEqual(['vpnPhone']);
    expect(second.body.nextCursor).toBeNull();
  });

  it("never matches another workspace's rows", async () => {
    const other = await service.get(`/v1/reports/mfa?deviceId=${phone}`, otherAdmin);
    expect(names(other)).toEqual(['otherVpn']);
    expect(names(await service.get('/v1/reports/mfa?health=battery_saver', otherAdmin))).toEqual([]);
  });

  it('exports the filtered rows as CSV', async () => {
    const response = await fetch(`${service.baseUrl}/v1/reports/mfa/export.csv?application=VPN&health=notifications_off`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(response.status).toBe(200);
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(ids.vpnTablet);
  });

  it.each([
    ['fraudReported=yes', 'fraudReported'],
    ['deviceId=', 'deviceId'],
    ['application=', 'application'],
    ['ipAddress=not-an-ip', 'ipAddress'],
    ['health=sleepy', 'health'],
    ['factor=third', 'factor'],
    ['poolId=', 'poolId'],
  ])('refuses %s, naming the field, on the list and the export', async (query, field) => {
    for (const path of ['/v1/reports/mfa', '/v1/reports/mfa/export.csv']) {
      const answer = await service.get(`${path}?${query}`, admin);
      expect(answer).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [expect.objectContaining({ field })] } });
    }
  });

  it('documents the filters in /openapi.json', async () => {
    const { body } = await service.get('/openapi.json');
    for (const path of ['/v1/reports/mfa', '/v1/reports/mfa/export.csv']) {
      const parameters = (body.paths[path].get.parameters as { name: string }[]).map((parameter) => parameter.name);
      expect(parameters).toEqual(expect.arrayContaining(['fraudReported', 'deviceId', 'application', 'ipAddress', 'health', 'poolId', 'factor']));
    }
  });
});
