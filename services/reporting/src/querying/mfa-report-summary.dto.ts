import { ApiProperty } from '@nestjs/swagger';
import { REPORT_STATUSES } from '../mfa-report/mfa-report.status';

/** OpenAPI shapes of the summary (documentation only; built by mfa-report-summary.queries.ts). */
export class LatencyPercentilesDto {
  @ApiProperty({ description: 'Challenges the percentiles are computed over' }) count!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Milliseconds; null when count is 0' }) p50!: number | null;
  @ApiProperty({ type: Number, nullable: true }) p95!: number | null;
  @ApiProperty({ type: Number, nullable: true }) p99!: number | null;
}

export class SummaryLatencyDto {
  @ApiProperty({ type: LatencyPercentilesDto, description: 'Issued to the first push a provider accepted' }) issueToDelivered!: LatencyPercentilesDto;
  @ApiProperty({ type: LatencyPercentilesDto, description: "Issued to the user's answer (success or denied)" }) issueToResolved!: LatencyPercentilesDto;
}

export class MfaReportSummaryDto {
  @ApiProperty() total!: number;
  @ApiProperty({
    type: 'object',
    properties: Object.fromEntries(REPORT_STATUSES.map((status) => [status, { type: 'integer' }])),
    description: 'Every report status, zero when absent',
  })
  counts!: Record<string, number>;
  @ApiProperty({ type: SummaryLatencyDto }) latencyMs!: SummaryLatencyDto;
}
