/** Times and durations as an admin reads them; the browser's locale and time zone decide the shape of dates. */

export function formatDateTime(iso: string | undefined, locale?: string): string {
  if (!iso) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '—';
  return at.toLocaleString(locale, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** A short clock time for chart axes: "14:05", or "Nov 21" for buckets a day or wider. */
export function formatAxisTime(iso: string, bucketSeconds: number, locale?: string): string {
  const at = new Date(iso);
  if (bucketSeconds >= 86_400) return at.toLocaleDateString(locale, { month: 'short', day: 'numeric' });
  if (bucketSeconds >= 3 * 3600) return at.toLocaleString(locale, { month: 'short', day: 'numeric', hour: '2-digit' });
  return at.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', ...(bucketSeconds < 60 ? { second: '2-digit' } : {}) });
}

/** 850 → "850 ms", 1234 → "1.2 s", 95_000 → "1 min 35 s", null → "—". */
export function formatDurationMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const rounded = Math.max(0, Math.round(ms));
  if (rounded < 1000) return `${rounded} ms`;
  if (rounded < 60_000) return `${(rounded / 1000).toFixed(rounded < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(rounded / 60_000);
  const seconds = Math.round((rounded % 60_000) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** Time from one instant to another ("+1.2 s"), for timeline entries after the first. */
export function formatOffset(fromIso: string, toIso: string): string {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (!Number.isFinite(ms)) return '';
  return ms <= 0 ? '+0 ms' : `+${formatDurationMs(ms)}`;
}

/** Event details ({reason: "unavailable", attempt: 2}) as "reason unavailable · attempt 2". */
export function formatDetail(detail: Record<string, unknown> | undefined): string {
  if (!detail) return '';
  return Object.entries(detail)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${key} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' · ');
}
