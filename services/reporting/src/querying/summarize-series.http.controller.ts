import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { MfaReportSeriesDto } from './mfa-report-series.dto';
import { type MfaReportSeries, MfaReportSeriesQueries } from './mfa-report-series.queries';
import { DEFAULT_BUCKET_SECONDS, MAX_SERIES_BUCKETS, summarySeriesQuerySchema } from './summary-series.query';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports/mfa')
@UseGuards(ApiKeyGuard)
export class SummarizeSeriesHttpController {
  constructor(private readonly series: MfaReportSeriesQueries) {}

  @Get('summary/series')
  @RequireRole('admin')
  @ApiOperation({ summary: 'The summary (counts by status, latency percentiles) bucket by bucket of creation time, for charts' })
  @ApiQuery({ name: 'from', required: true, description: 'created at or after (ISO 8601); the first bucket starts here' })
  @ApiQuery({ name: 'to', required: true, description: 'created before (ISO 8601)' })
  @ApiQuery({
    name: 'bucketSeconds',
    required: false,
    description: `bucket width; at most ${MAX_SERIES_BUCKETS} buckets per window`,
    schema: { type: 'integer', minimum: 1, default: DEFAULT_BUCKET_SECONDS },
  })
  @ApiOkResponse({ type: MfaReportSeriesDto })
  async summarizeSeries(@Caller() caller: ApiKeyCaller, @Query() query: Record<string, unknown>): Promise<MfaReportSeries> {
    return this.series.series(caller.workspaceId, parseBody(summarySeriesQuerySchema, query));
  }
}
