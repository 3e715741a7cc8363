import type { ReportRow } from '../api/report-types';

export interface LoadedRows {
  rows: readonly ReportRow[];
  nextCursor: string | null;
}

/**
 * A refresh re-reads only the newest page. Its rows replace their older copies (a status moves on) and new rows
 * come first; rows the admin already loaded with "Load more" stay below, and so does the cursor that continues them.
 */
export function mergeNewestPage(loaded: LoadedRows, newest: LoadedRows): LoadedRows {
  const oldestFresh = newest.rows[newest.rows.length - 1];
  if (!oldestFresh) return newest;
  const olderLoaded = loaded.rows.filter((row) => isOlder(row, oldestFresh));
  if (olderLoaded.length === 0) return newest;
  return { rows: [...newest.rows, ...olderLoaded], nextCursor: loaded.nextCursor };
}

/** The list's order: newest first by creation time, then by challenge id, as the API pages it. */
function isOlder(row: ReportRow, than: ReportRow): boolean {
  const difference = Date.parse(row.createdAt) - Date.parse(than.createdAt);
  return difference < 0 || (difference === 0 && row.challengeId < than.challengeId);
}
