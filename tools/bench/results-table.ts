import type { LatencySummary } from './latency-summary';

/** The latencies as rows for console.table: one metric per row, milliseconds. */
export function latencyRows(latencies: Record<string, LatencySummary | undefined>): Record<string, Record<string, number | string | null>> {
  const rows: Record<string, Record<string, number | string | null>> = {};
  for (const [name, summary] of Object.entries(latencies)) {
    if (!summary) continue;
    rows[name] = { p50: summary.p50, p95: summary.p95, p99: summary.p99, max: summary.max, samples: summary.count };
  }
  return rows;
}
