import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDetail, formatDurationMs, formatOffset } from './time-format';

describe('time formatting', () => {
  it('shows durations in the unit an admin reads at a glance', () => {
    expect(formatDurationMs(0)).toBe('0 ms');
    expect(formatDurationMs(849.6)).toBe('850 ms');
    expect(formatDurationMs(1234)).toBe('1.2 s');
    expect(formatDurationMs(42_000)).toBe('42 s');
    expect(formatDurationMs(95_000)).toBe('1 min 35 s');
    expect(formatDurationMs(120_000)).toBe('2 min');
  });

  it('shows a dash for a latency that was never measured', () => {
    expect(formatDurationMs(null)).toBe('—');
    expect(formatDurationMs(undefined)).toBe('—');
    expect(formatDateTime(undefined)).toBe('—');
    expect(formatDateTime('garbage')).toBe('—');
  });

  it('shows the time of each timeline event after the issue', () => {
    expect(formatOffset('2026-11-23T10:00:00Z', '2026-11-23T10:00:01.500Z')).toBe('+1.5 s');
    expect(formatOffset('2026-11-23T10:00:00Z', '2026-11-23T10:00:00Z')).toBe('+0 ms');
  });

  it('includes the seconds of a date and time', () => {
    expect(formatDateTime('2026-11-23T10:00:07Z', 'en-GB')).toMatch(/:07$/);
  });

  it('reads event details as words, skipping empty ones', () => {
    expect(formatDetail({ reason: 'unavailable', attempt: 2, provider: 'fcm', note: '' })).toBe('reason unavailable · attempt 2 · provider fcm');
    expect(formatDetail(undefined)).toBe('');
  });
});
