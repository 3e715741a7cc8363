import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { MfaReportSummaryDto } from './mfa-report-summary.dto';
import { type MfaReportSummary, MfaReportSummaryQueries } from './mfa-report-summary.queries';
import { summarizeReportsQuerySchema } from './summarize-reports.query';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports/mfa')
@UseGuards(ApiKeyGuard)
export class SummarizeReportsHttpController {
  constructor(private readonly summaries: MfaReportSummaryQueries) {}

  @Get('summary')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Counts by status and latency percentiles of the challenges created in a window' })
  @ApiQuery({ name: 'from', required: false, description: 'created at or after (ISO 8601)' })
  @ApiQuery({ name: 'to', required: false, description: 'created before (ISO 8601)' })
  @ApiOkResponse({ type: MfaReportSummaryDto })
  async summarize(@Caller() caller: ApiKeyCaller, @Query() query: Record<string, unknown>): Promise<MfaReportSummary> {
    return this.summaries.summarize(caller.workspaceId, parseBody(summarizeReportsQuerySchema, query));
  }
}
