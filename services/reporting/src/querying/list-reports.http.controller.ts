import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { REPORT_STATUSES } from '../mfa-report/mfa-report.status';
import { DEFAULT_PAGE_SIZE, listReportsQuerySchema, MAX_PAGE_SIZE } from './list-reports.query';
import { MfaReportPageDto } from './mfa-report-row.dto';
import { type MfaReportPage, MfaReportQueries } from './mfa-report.queries';
import { ApiReportFactFilters } from './report-filter.api';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports/mfa')
@UseGuards(ApiKeyGuard)
export class ListReportsHttpController {
  constructor(private readonly reports: MfaReportQueries) {}

  @Get()
  @RequireRole('admin')
  @ApiOperation({ summary: "The workspace's MFA Report, newest first, one page at a time" })
  @ApiQuery({ name: 'userId', required: false })
  @ApiQuery({ name: 'status', required: false, enum: REPORT_STATUSES })
  @ApiQuery({ name: 'from', required: false, description: 'created at or after (ISO 8601)' })
  @ApiQuery({ name: 'to', required: false, description: 'created before (ISO 8601)' })
  @ApiReportFactFilters()
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE } })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ type: MfaReportPageDto })
  async list(@Caller() caller: ApiKeyCaller, @Query() query: Record<string, unknown>): Promise<MfaReportPage> {
    return this.reports.list(caller.workspaceId, parseBody(listReportsQuerySchema, query));
  }
}
