/**
 * The latency columns the summaries compute, per row of the report view: milliseconds from issue to the first
 * push a provider accepted, and from issue to the user's answer (expiry and cancellation are not a response time).
 * Both instants are generated columns of the report table, held in its window index, so a summary never reads facts.
 * date_part, not extract: extract answers numeric, whose arithmetic and sorting for the percentiles cost twice as much.
 */
export const DELIVERED_MS_SQL = `date_part('epoch', delivered_at - created_at) * 1000`;

export const RESOLVED_MS_SQL = `case when status in ('success', 'denied') then date_part('epoch', resolved_at - created_at) * 1000 end`;

export interface LatencyPercentiles {
  /** How many challenges the percentiles are computed over. */
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Maps `percentile_cont(array[0.5, 0.95, 0.99])` and its count to whole milliseconds, null when nothing was measured. */
export function percentilesOf(count: number, values: (number | null)[] | null | undefined): LatencyPercentiles {
  const at = (index: number) => {
    const value = count > 0 ? values?.[index] : undefined;
    return value === undefined || value === null ? null : Math.round(Number(value));
  };
  return { count, p50: at(0), p95: at(1), p99: at(2) };
}
