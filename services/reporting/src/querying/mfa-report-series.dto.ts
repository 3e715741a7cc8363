import { ApiProperty } from '@nestjs/swagger';
import { REPORT_STATUSES } from '../mfa-report/mfa-report.status';
import { SummaryLatencyDto } from './mfa-report-summary.dto';

/** OpenAPI shapes of the summary series (documentation only; built by mfa-report-series.queries.ts). */
export class MfaReportSeriesBucketDto {
  @ApiProperty({ format: 'date-time', description: 'Challenges created at or after this time and before the next bucket' }) start!: string;
  @ApiProperty() total!: number;
  @ApiProperty({
    type: 'object',
    properties: Object.fromEntries(REPORT_STATUSES.map((status) => [status, { type: 'integer' }])),
    description: 'Every report status, zero when absent',
  })
  counts!: Record<string, number>;
  @ApiProperty({ type: SummaryLatencyDto }) latencyMs!: SummaryLatencyDto;
}

export class MfaReportSeriesDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty() bucketSeconds!: number;
  @ApiProperty({ type: [MfaReportSeriesBucketDto], description: 'Every bucket of the window in time order, empty ones included' })
  buckets!: MfaReportSeriesBucketDto[];
}
