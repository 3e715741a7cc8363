/** p50/p95/p99/max of one measured latency, in milliseconds, from every sample (exact, not a sketch). */
export interface LatencySummary {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** Collects every sample; a run holds at most some hundred thousand numbers, so exact percentiles are cheap. */
export class LatencySamples {
  private readonly values: number[] = [];

  add(ms: number): void {
    if (Number.isFinite(ms)) this.values.push(ms);
  }

  get count(): number {
    return this.values.length;
  }

  summary(): LatencySummary {
    return summarizeLatencies(this.values);
  }
}

/** Nearest-rank percentiles, rounded to 0.1 ms. */
export function summarizeLatencies(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { count: 0, p50: null, p95: null, p99: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0);
  return { count: sorted.length, p50: rank(50), p95: rank(95), p99: rank(99), max: round(sorted[sorted.length - 1] ?? 0) };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
