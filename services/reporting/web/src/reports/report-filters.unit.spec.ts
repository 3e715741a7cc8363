import { describe, expect, it } from 'vitest';
import { filtersProblem, isoOfLocal, NO_FILTERS, PAGE_SIZE, reportListQuery } from './report-filters';

describe('report list query', () => {
  it('asks for the first page only, with no filters', () => {
    expect(reportListQuery(NO_FILTERS).toString()).toBe(`limit=${PAGE_SIZE}`);
  });

  it("sends the API's own parameters: userId, status, from and to in UTC, and the cursor", () => {
    const query = reportListQuery(
      { userId: '  alice@example.com ', status: 'denied', fromLocal: '2026-11-23T09:30', toLocal: '2026-11-23T10:00:30' },
      'cursor-2',
      25,
    );
    expect(Object.fromEntries(query)).toEqual({
      userId: 'alice@example.com',
      status: 'denied',
      from: new Date('2026-11-23T09:30').toISOString(),
      to: new Date('2026-11-23T10:00:30').toISOString(),
      limit: '25',
      cursor: 'cursor-2',
    });
    expect(query.toString()).toContain('userId=alice%40example.com');
  });

  it('sends the filters on facts: fraudReported, deviceId, application, ipAddress and the health badge, trimmed, none blank', () => {
    const query = reportListQuery({
      ...NO_FILTERS,
      fraudReported: 'true',
      deviceId: ' dev-1 ',
      application: 'VPN',
      ipAddress: '2001:db8::1',
      health: 'notifications_off',
    });
    expect(Object.fromEntries(query)).toEqual({
      fraudReported: 'true',
      deviceId: 'dev-1',
      application: 'VPN',
      ipAddress: '2001:db8::1',
      health: 'notifications_off',
      limit: String(PAGE_SIZE),
    });
    expect(reportListQuery({ ...NO_FILTERS, fraudReported: 'false', application: '   ' }).toString()).toBe(`fraudReported=false&limit=${PAGE_SIZE}`);
  });

  it('sends the identity pool and the sign-in step (factor) when chosen', () => {
    expect(Object.fromEntries(reportListQuery({ ...NO_FILTERS, poolId: ' contractors ', factor: 'first' }))).toEqual({
      poolId: 'contractors',
      factor: 'first',
      limit: String(PAGE_SIZE),
    });
    expect(reportListQuery({ ...NO_FILTERS, poolId: '  ', factor: '' }).toString()).toBe(`limit=${PAGE_SIZE}`);
    expect(filtersProblem({ ...NO_FILTERS, poolId: 'p'.repeat(101) })).toBe('That pool id is too long.');
  });

  it('leaves out blank and unreadable times', () => {
    expect(isoOfLocal('   ')).toBeUndefined();
    expect(isoOfLocal('not a time')).toBeUndefined();
    expect(reportListQuery({ ...NO_FILTERS, fromLocal: '' }).has('from')).toBe(false);
  });

  it('explains filters that cannot be sent', () => {
    expect(filtersProblem(NO_FILTERS)).toBeUndefined();
    expect(filtersProblem({ ...NO_FILTERS, fromLocal: '2026-11-23T10:00', toLocal: '2026-11-23T09:00' })).toBe('"From" must be before "to".');
    expect(filtersProblem({ ...NO_FILTERS, toLocal: 'soon' })).toBe('The "to" time is not a date and time.');
    expect(filtersProblem({ ...NO_FILTERS, userId: 'x'.repeat(201) })).toBe('That user id is too long.');
    expect(filtersProblem({ ...NO_FILTERS, ipAddress: 'my laptop' })).toBe('That IP address is not an IPv4 or IPv6 address.');
    expect(filtersProblem({ ...NO_FILTERS, ipAddress: '203.0.113.7' })).toBeUndefined();
    expect(filtersProblem({ ...NO_FILTERS, deviceId: 'd'.repeat(101) })).toBe('That device id is too long.');
  });
});
