import { describe, expect, it } from 'vitest';
import { DEFAULT_SUMMARY_WINDOW, seriesQuery, summaryRange, summaryWindowById, SUMMARY_WINDOWS } from './summary-window';

describe('summary window', () => {
  const now = Date.parse('2026-11-23T10:07:12.345Z');

  it('ends at the next whole bucket, so buckets keep their starts between refreshes', () => {
    expect(summaryRange(summaryWindowById('1h'), now)).toEqual({ from: '2026-11-23T09:08:00.000Z', to: '2026-11-23T10:08:00.000Z' });
    expect(summaryRange(summaryWindowById('1h'), Date.parse('2026-11-23T10:08:00.000Z')).to).toBe('2026-11-23T10:09:00.000Z');
  });

  it('asks the series endpoint for a few dozen buckets at most', () => {
    for (const window of SUMMARY_WINDOWS) {
      const query = seriesQuery(window, now);
      const buckets = (Date.parse(query.get('to')!) - Date.parse(query.get('from')!)) / (Number(query.get('bucketSeconds')) * 1000);
      expect(buckets).toBeGreaterThanOrEqual(24);
      expect(buckets).toBeLessThanOrEqual(60);
    }
  });

  it('falls back to the last hour for an unknown window', () => {
    expect(summaryWindowById('forever')).toBe(DEFAULT_SUMMARY_WINDOW);
    expect(DEFAULT_SUMMARY_WINDOW.id).toBe('1h');
  });
});
