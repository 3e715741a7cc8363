import type { PendingChallenge } from './device-challenge.api';

const HEADERS = ['id', 'created', 'expires', 'application', 'location', 'browser', 'number required'] as const;

/** The Pending tab as a plain text table; one line when nothing waits. */
export function formatPendingTable(items: readonly PendingChallenge[]): string {
  if (items.length === 0) return 'No pending requests.';
  const rows = items.map((item) => [
    item.challengeId,
    shortTime(item.createdAt),
    shortTime(item.expiresAt),
    item.context?.application ?? '-',
    item.context?.location ?? '-',
    item.context?.userAgent ?? '-',
    item.numberMatchRequired ? 'yes' : 'no',
  ]);
  const widths = HEADERS.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(HEADERS), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** Seconds are what a user compares against a 60-second TTL; milliseconds are noise. */
function shortTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
