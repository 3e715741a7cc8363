import { Injectable } from '@nestjs/common';
import type { ExportReportsQuery } from './export-reports.query';
import { csvHeaderLine, csvLineOf } from './mfa-report.csv';
import { MfaReportQueries } from './mfa-report.queries';

const EXPORT_BATCH_ROWS = 1000;

export interface ExportReports {
  workspaceId: string;
  filters: ExportReportsQuery;
}

/**
 * The workspace's MFA Report as CSV (RFC 4180), newest first: the header line, then one chunk of lines per batch of
 * rows. The next batch is read only when the caller pulls it, so a slow reader holds one batch at most.
 */
@Injectable()
export class ExportReportsHandler {
  constructor(private readonly reports: MfaReportQueries) {}

  async *execute({ workspaceId, filters }: ExportReports): AsyncGenerator<string> {
    yield csvHeaderLine();
    for await (const rows of this.reports.batches(workspaceId, filters, EXPORT_BATCH_ROWS)) {
      yield rows.map(csvLineOf).join('');
    }
  }
}
