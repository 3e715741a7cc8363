/**
 * Where the time of a request goes on the server: each service's `http_request_duration_seconds` histogram (fastify's
 * own timing of every request, by route template), scraped from `/metrics` before and after the main run, so the
 * bench can set the server's share beside the end-to-end latencies it measures from outside. The same scrapes give
 * the challenge service's group-commit batches (`challenge_group_commit_batch_size`): how many requests shared a
 * transaction.
 */

/** Cumulative bucket counts of one histogram series: upper bound (seconds, Infinity for +Inf) → count. */
type Buckets = Map<number, number>;
/** `<METHOD> <route>` (2xx-5xx together) → its buckets. */
export type RouteHistograms = Map<string, Buckets>;

export interface RouteLatency {
  count: number;
  /** Estimated as Prometheus' histogram_quantile does: linear within the bucket the rank falls in. */
  p50Ms: number | null;
  p99Ms: number | null;
}

const BUCKET_LINE = /^http_request_duration_seconds_bucket\{([^}]*)\} ([0-9.e+-]+)$/;

function labelsOf(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const match of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]!] = match[2]!;
  return labels;
}

/** The request-duration histograms of one `/metrics` text, per method and route (status codes summed). */
export function parseRouteHistograms(metricsText: string): RouteHistograms {
  const routes: RouteHistograms = new Map();
  for (const line of metricsText.split('\n')) {
    const match = BUCKET_LINE.exec(line.trim());
    if (!match) continue;
    const labels = labelsOf(match[1]!);
    if (!labels.le || !labels.route || !labels.method) continue;
    const key = `${labels.method} ${labels.route}`;
    const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
    const buckets = routes.get(key) ?? new Map<number, number>();
    buckets.set(le, (buckets.get(le) ?? 0) + Number(match[2]));
    routes.set(key, buckets);
  }
  return routes;
}

/** What happened between two scrapes of one process. */
export function routeHistogramsBetween(before: RouteHistograms, after: RouteHistograms): RouteHistograms {
  const delta: RouteHistograms = new Map();
  for (const [route, buckets] of after) {
    const earlier = before.get(route);
    delta.set(route, new Map([...buckets].map(([le, count]) => [le, count - (earlier?.get(le) ?? 0)])));
  }
  return delta;
}

function quantile(buckets: Buckets, q: number): number | null {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const upper of bounds) {
    const count = buckets.get(upper)!;
    if (count >= rank) {
      if (upper === Infinity) return lower * 1000;
      const within = count - below;
      const fraction = within > 0 ? (rank - below) / within : 1;
      return Math.round((lower + (upper - lower) * fraction) * 10000) / 10;
    }
    lower = upper;
    below = count;
  }
  return null;
}

/** Count, p50 and p99 per route of the requests between the scrapes; routes with no request are left out. */
export function summarizeRoutes(histograms: RouteHistograms): Record<string, RouteLatency> {
  const summary: Record<string, RouteLatency> = {};
  for (const [route, buckets] of [...histograms].sort(([a], [b]) => a.localeCompare(b))) {
    const count = buckets.get(Infinity) ?? 0;
    if (count <= 0) continue;
    summary[route] = { count, p50Ms: quantile(buckets, 0.5), p99Ms: quantile(buckets, 0.99) };
  }
  return summary;
}

/** Group-commit totals of one process, per command (issue, response): transactions taken and requests they carried. */
export type GroupCommitTotals = Map<string, { batches: number; requests: number }>;

const BATCH_LINE = /^challenge_group_commit_batch_size_(count|sum)\{([^}]*)\} ([0-9.e+-]+)$/;

/** The `challenge_group_commit_batch_size` histogram's count and sum per command, from one `/metrics` text. */
export function parseGroupCommitTotals(metricsText: string): GroupCommitTotals {
  const totals: GroupCommitTotals = new Map();
  for (const line of metricsText.split('\n')) {
    const match = BATCH_LINE.exec(line.trim());
    const command = match ? labelsOf(match[2]!).command : undefined;
    if (!match || !command) continue;
    const total = totals.get(command) ?? { batches: 0, requests: 0 };
    total[match[1] === 'count' ? 'batches' : 'requests'] += Number(match[3]);
    totals.set(command, total);
  }
  return totals;
}

export interface GroupCommitSummary {
  batches: number;
  requests: number;
  /** Requests per transaction: 1 when requests came one at a time. */
  meanBatch: number | null;
}

/** Per command, the group-commit transactions between two scrapes and the mean batch they carried. */
export function summarizeGroupCommit(before: GroupCommitTotals, after: GroupCommitTotals): Record<string, GroupCommitSummary> {
  const summary: Record<string, GroupCommitSummary> = {};
  for (const [command, total] of [...after].sort(([a], [b]) => a.localeCompare(b))) {
    const batches = total.batches - (before.get(command)?.batches ?? 0);
    const requests = total.requests - (before.get(command)?.requests ?? 0);
    summary[command] = { batches, requests, meanBatch: batches > 0 ? Math.round((requests / batches) * 100) / 100 : null };
  }
  return summary;
}

/** What one scrape of a service's `/metrics` gives the bench. */
export interface ServerScrape {
  routes: RouteHistograms;
  groupCommit: GroupCommitTotals;
}

/** Scrapes every service's `/metrics`; a service that does not answer is left out. */
export async function scrapeServerMetrics(
  urls: Readonly<{ [service: string]: string }> | { registry: string; challenge: string; reporting: string },
): Promise<Record<string, ServerScrape>> {
  const scraped: Record<string, ServerScrape> = {};
  await Promise.all(
    Object.entries(urls).map(async ([service, url]) => {
      try {
        const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
        if (!response.ok) return;
        const text = await response.text();
        scraped[service] = { routes: parseRouteHistograms(text), groupCommit: parseGroupCommitTotals(text) };
      } catch {
        // Not scraped: its routes are missing from the summary.
      }
    }),
  );
  return scraped;
}
