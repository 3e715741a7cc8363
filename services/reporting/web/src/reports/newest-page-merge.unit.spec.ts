import { describe, expect, it } from 'vitest';
import type { ReportRow } from '../api/report-types';
import { mergeNewestPage } from './newest-page-merge';

const row = (challengeId: string, second: number, status: ReportRow['status'] = 'pending'): ReportRow => ({
  challengeId,
  userId: 'alice',
  status,
  createdAt: new Date(Date.UTC(2026, 10, 23, 10, 0, second)).toISOString(),
  devices: [],
  context: {},
  fraudReported: false,
});

describe('merging a refreshed first page', () => {
  it('takes the fresh page as it is when nothing older was loaded', () => {
    const fresh = { rows: [row('c', 3), row('b', 2)], nextCursor: 'next' };
    expect(mergeNewestPage({ rows: [row('b', 2)], nextCursor: null }, fresh)).toEqual(fresh);
  });

  it('puts new requests first, updates statuses, and keeps the rows loaded with "Load more" and their cursor', () => {
    const loaded = { rows: [row('c', 3), row('b', 2), row('a', 1)], nextCursor: 'after-a' };
    const fresh = { rows: [row('d', 4), row('c', 3, 'success')], nextCursor: 'after-c' };
    const merged = mergeNewestPage(loaded, fresh);
    expect(merged.rows.map((r) => [r.challengeId, r.status])).toEqual([
      ['d', 'pending'],
      ['c', 'success'],
      ['b', 'pending'],
      ['a', 'pending'],
    ]);
    expect(merged.nextCursor).toBe('after-a');
  });

  it('shows an empty page as empty', () => {
    expect(mergeNewestPage({ rows: [row('a', 1)], nextCursor: null }, { rows: [], nextCursor: null })).toEqual({ rows: [], nextCursor: null });
  });
});
