import type { PendingChallenge } from './device-challenge.api';

const HEADERS = ['id', 'created', 'expires', 'application*', 'location*', 'browser*', 'number required'] as const;
/** What the sign-in context is, said under every table: the platform supplied it; nobody checked it. */
export const REPORTED_NOTE = '* as reported by the sign-in, not checked by pushmfa';
/** As the app shows them: context values cut short, so a long one cannot fill the screen or pose as a notice. */
const SHOWN_LIMITS = { application: 40, location: 60, userAgent: 60 } as const;

function cut(value: string | undefined, limit: number): string {
  if (value === undefined) return '-';
  const characters = [...value];
  return characters.length <= limit ? value : `${characters.slice(0, limit - 1).join('')}…`;
}

/** The Pending tab as a plain text table, its context labelled as reported by the sign-in; one line when nothing waits. */
export function formatPendingTable(items: readonly PendingChallenge[]): string {
  if (items.length === 0) return 'No pending requests.';
  const rows = items.map((item) => [
    item.challengeId,
    shortTime(item.createdAt),
    shortTime(item.expiresAt),
    cut(item.context?.application, SHOWN_LIMITS.application),
    cut(item.context?.location, SHOWN_LIMITS.location),
    cut(item.context?.userAgent, SHOWN_LIMITS.userAgent),
    numberColumn(item),
  ]);
  const widths = HEADERS.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(HEADERS), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line), REPORTED_NOTE].join('\n');
}

/** "yes" (type the number the sign-in page shows), the three numbers to pick from, or "no". */
function numberColumn(item: PendingChallenge): string {
  if (item.numberChoices) return `pick one: ${item.numberChoices.join(' | ')}`;
  return item.numberMatchRequired ? 'yes' : 'no';
}

/** Seconds are what a user compares against a 60-second TTL; milliseconds are noise. */
function shortTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
