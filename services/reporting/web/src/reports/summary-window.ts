/** The summary's time windows, each cut into a few dozen buckets so a chart stays readable. */
export interface SummaryWindow {
  id: string;
  label: string;
  durationMs: number;
  bucketSeconds: number;
}

export const SUMMARY_WINDOWS: readonly SummaryWindow[] = [
  { id: '15m', label: 'Last 15 minutes', durationMs: 15 * 60_000, bucketSeconds: 30 },
  { id: '1h', label: 'Last hour', durationMs: 60 * 60_000, bucketSeconds: 60 },
  { id: '24h', label: 'Last 24 hours', durationMs: 24 * 3_600_000, bucketSeconds: 1800 },
  { id: '7d', label: 'Last 7 days', durationMs: 7 * 24 * 3_600_000, bucketSeconds: 3 * 3600 },
];

export const DEFAULT_SUMMARY_WINDOW = SUMMARY_WINDOWS[1]!;

export function summaryWindowById(id: string): SummaryWindow {
  return SUMMARY_WINDOWS.find((window) => window.id === id) ?? DEFAULT_SUMMARY_WINDOW;
}

/**
 * The window ending now, its end rounded up to a whole bucket so buckets keep their starts between refreshes
 * and the newest bucket is the one filling up.
 */
export function summaryRange(window: SummaryWindow, nowMs: number): { from: string; to: string } {
  const bucketMs = window.bucketSeconds * 1000;
  const toMs = Math.ceil((nowMs + 1) / bucketMs) * bucketMs;
  return { from: new Date(toMs - window.durationMs).toISOString(), to: new Date(toMs).toISOString() };
}

export function summaryQuery(window: SummaryWindow, nowMs: number): URLSearchParams {
  const { from, to } = summaryRange(window, nowMs);
  return new URLSearchParams({ from, to });
}

export function seriesQuery(window: SummaryWindow, nowMs: number): URLSearchParams {
  const query = summaryQuery(window, nowMs);
  query.set('bucketSeconds', String(window.bucketSeconds));
  return query;
}
