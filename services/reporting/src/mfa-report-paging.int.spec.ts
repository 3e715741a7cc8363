import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { challengeEvents, timeAt } from './mfa-report/mfa-report.test-events';
import { ReportingTestApp } from './reporting.test-app';

interface Row {
  challengeId: string;
  createdAt: string;
}

describe('MFA Report paging', () => {
  let service: ReportingTestApp;
  const workspaceId = `ws-paging-${randomUUID()}`;
  let admin: string;

  beforeAll(async () => {
    service = await ReportingTestApp.start('reportpaging');
    admin = await service.issueApiKey(workspaceId, 'admin');
  });

  afterAll(async () => {
    await service?.stop();
  });

  const issuedAt = (second: number) => {
    const challengeId = randomUUID();
    return challengeEvents({ workspaceId, challengeId, userId: 'carol' }).issued(['d1'], second);
  };

  async function walk(limit: number, beforeEachPage: () => Promise<void> = async () => undefined): Promise<Row[]> {
    const rows: Row[] = [];
    let cursor: string | null = null;
    do {
      await beforeEachPage();
      const query: string = cursor ? `limit=${limit}&cursor=${encodeURIComponent(cursor)}` : `limit=${limit}`;
      const { status, body } = await service.get(`/v1/reports/mfa?${query}`, admin);
      expect(status).toBe(200);
      rows.push(...(body.items as Row[]));
      cursor = body.nextCursor as string | null;
    } while (cursor);
    return rows;
  }

  const countIs = (expected: number) =>
    service.eventually(
      () => walk(200),
      (rows) => rows.length === expected,
      `${expected} rows in the report`,
    );

  it('returns every row exactly once, newest first, while rows are being added', async () => {
    const original = Array.from({ length: 40 }, (_, i) => issuedAt(2 * i));
    await service.publish(...original);
    await countIs(original.length);

    // Before each page, more challenges arrive: some newer than any row, some in between the rows already paged.
    const added: string[] = [];
    const rows = await walk(7, async () => {
      const more = [issuedAt(1000 + added.length), issuedAt(2 * Math.floor(Math.random() * 40) + 1)];
      added.push(...more.map((event) => event.data.challengeId as string));
      await service.publish(...more);
    });

    const ids = rows.map((row) => row.challengeId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(original.map((event) => event.data.challengeId as string)));
    const times = rows.map((row) => Date.parse(row.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    // Once everything has arrived, a walk with another page size sees each row once.
    const settled = await countIs(original.length + added.length);
    const again = await walk(13);
    expect(again.map((row) => row.challengeId)).toEqual(settled.map((row) => row.challengeId));
  });

  it('filters by time range, from inclusive and to exclusive', async () => {
    const seconds = [3000, 3010, 3015, 3019, 3020, 3030];
    const events = seconds.map((second) => challengeEvents({ workspaceId, challengeId: randomUUID(), userId: 'dave' }).issued(['d1'], second));
    await service.publish(...events);
    const range = `from=${encodeURIComponent(timeAt(3010))}&to=${encodeURIComponent(timeAt(3020))}`;
    const { body } = await service.eventually(
      () => service.get(`/v1/reports/mfa?userId=dave&${range}`, admin),
      (answer) => answer.status === 200 && answer.body.items.length >= 3,
      'the rows in range',
    );
    const expected = [3019, 3015, 3010].map((second) => events[seconds.indexOf(second)]!.data.challengeId);
    expect((body.items as Row[]).map((row) => row.challengeId)).toEqual(expected);
  });
});
