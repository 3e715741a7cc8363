import type { Pool } from 'pg';
import { REPORT_VIEW } from '../database/mfa-report-tables';
import { REPORT_STATUSES, type ReportStatus } from '../mfa-report/mfa-report.status';
import { reportFilterSql } from './report-filter.sql';
import { DELIVERED_MS_SQL, type LatencyPercentiles, percentilesOf, RESOLVED_MS_SQL } from './report-latency.sql';
import type { SummarySeriesQuery } from './summary-series.query';

export interface MfaReportSeriesBucket {
  /** The bucket holds the challenges created at or after `start` and before the next bucket's start. */
  start: string;
  total: number;
  counts: Record<ReportStatus, number>;
  latencyMs: { issueToDelivered: LatencyPercentiles; issueToResolved: LatencyPercentiles };
}

export interface MfaReportSeries {
  from: string;
  to: string;
  bucketSeconds: number;
  /** Every bucket of the window in time order, empty ones included, so a chart needs no gap filling. */
  buckets: MfaReportSeriesBucket[];
}

interface BucketRow {
  bucket: number;
  counts: Record<string, string>;
  delivered_count: string;
  delivered: (number | null)[] | null;
  resolved_count: string;
  resolved: (number | null)[] | null;
}

/** The summary of one workspace's challenges, bucket by bucket of creation time, in one query. */
export class MfaReportSeriesQueries {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  async series(workspaceId: string, query: SummarySeriesQuery): Promise<MfaReportSeries> {
    const fromMs = Date.parse(query.from);
    const bucketMs = query.bucketSeconds * 1000;
    const { where, params } = reportFilterSql(workspaceId, { from: query.from, to: query.to });
    const from = `$${params.push(query.from)}`;
    const bucketSeconds = `$${params.push(query.bucketSeconds)}`;
    const counts = REPORT_STATUSES.map((status) => `'${status}', count(*) filter (where status = '${status}')`).join(', ');
    const { rows } = await this.pool.query<BucketRow>(
      `with window_rows as (
         select status,
                floor(extract(epoch from (created_at - ${from}::timestamptz)) / ${bucketSeconds}::int)::int as bucket,
                ${DELIVERED_MS_SQL} as delivered_ms,
                ${RESOLVED_MS_SQL} as resolved_ms
         from ${this.schema}.${REPORT_VIEW}
         where ${where}
       )
       select bucket,
              jsonb_build_object(${counts}) as counts,
              count(delivered_ms) as delivered_count,
              percentile_cont(array[0.5, 0.95, 0.99]) within group (order by delivered_ms) as delivered,
              count(resolved_ms) as resolved_count,
              percentile_cont(array[0.5, 0.95, 0.99]) within group (order by resolved_ms) as resolved
       from window_rows
       group by bucket`,
      params,
    );
    const byBucket = new Map(rows.map((row) => [Number(row.bucket), row]));
    const bucketCount = Math.ceil((Date.parse(query.to) - fromMs) / bucketMs);
    return {
      from: new Date(fromMs).toISOString(),
      to: new Date(Date.parse(query.to)).toISOString(),
      bucketSeconds: query.bucketSeconds,
      buckets: Array.from({ length: bucketCount }, (_, index) => bucketOf(new Date(fromMs + index * bucketMs).toISOString(), byBucket.get(index))),
    };
  }
}

function bucketOf(start: string, row: BucketRow | undefined): MfaReportSeriesBucket {
  const counts = Object.fromEntries(REPORT_STATUSES.map((status) => [status, Number(row?.counts[status] ?? 0)])) as Record<ReportStatus, number>;
  return {
    start,
    total: Object.values(counts).reduce((sum, n) => sum + n, 0),
    counts,
    latencyMs: {
      issueToDelivered: percentilesOf(Number(row?.delivered_count ?? 0), row?.delivered),
      issueToResolved: percentilesOf(Number(row?.resolved_count ?? 0), row?.resolved),
    },
  };
}
