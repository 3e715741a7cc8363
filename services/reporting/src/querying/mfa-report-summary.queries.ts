import type { Pool } from 'pg';
import { REPORT_VIEW } from '../database/mfa-report-tables';
import { REPORT_STATUSES, type ReportStatus } from '../mfa-report/mfa-report.status';
import { reportFilterSql } from './report-filter.sql';
import { DELIVERED_MS_SQL, type LatencyPercentiles, percentilesOf, RESOLVED_MS_SQL } from './report-latency.sql';
import type { SummarizeReportsQuery } from './summarize-reports.query';

export type { LatencyPercentiles } from './report-latency.sql';

export interface MfaReportSummary {
  total: number;
  counts: Record<ReportStatus, number>;
  latencyMs: {
    /** Issued to the first push a provider accepted. */
    issueToDelivered: LatencyPercentiles;
    /** Issued to the user's answer (success or denied); expiry and cancellation are not a user's response time. */
    issueToResolved: LatencyPercentiles;
  };
}

interface SummaryRow {
  counts: Record<string, number> | null;
  delivered_count: string;
  delivered: (number | null)[] | null;
  resolved_count: string;
  resolved: (number | null)[] | null;
}

const STATUS_COUNTS_SQL = REPORT_STATUSES.map((status) => `'${status}', count(*) filter (where status = '${status}')`).join(', ');

/** Counts by status and latency percentiles of one workspace's challenges created in a window, in one query. */
export class MfaReportSummaryQueries {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  async summarize(workspaceId: string, query: SummarizeReportsQuery): Promise<MfaReportSummary> {
    const { where, params } = reportFilterSql(workspaceId, query);
    const { rows } = await this.pool.query<SummaryRow>(
      // One pass over the window, which the window index alone answers; no CTE is materialized.
      `select jsonb_build_object(${STATUS_COUNTS_SQL}) as counts,
              count(delivered_ms) as delivered_count,
              percentile_cont(array[0.5, 0.95, 0.99]) within group (order by delivered_ms) as delivered,
              count(resolved_ms) as resolved_count,
              percentile_cont(array[0.5, 0.95, 0.99]) within group (order by resolved_ms) as resolved
       from (
         select status, ${DELIVERED_MS_SQL} as delivered_ms, ${RESOLVED_MS_SQL} as resolved_ms
         from ${this.schema}.${REPORT_VIEW}
         where ${where}
       ) as window_rows`,
      params,
    );
    const row = rows[0];
    const counts = Object.fromEntries(REPORT_STATUSES.map((status) => [status, Number(row?.counts?.[status] ?? 0)])) as Record<ReportStatus, number>;
    return {
      total: Object.values(counts).reduce((sum, n) => sum + n, 0),
      counts,
      latencyMs: {
        issueToDelivered: percentilesOf(Number(row?.delivered_count ?? 0), row?.delivered),
        issueToResolved: percentilesOf(Number(row?.resolved_count ?? 0), row?.resolved),
      },
    };
  }
}
