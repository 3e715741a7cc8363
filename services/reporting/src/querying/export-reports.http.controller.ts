import { Readable } from 'node:stream';
import { Controller, Get, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { REPORT_STATUSES } from '../mfa-report/mfa-report.status';
import { ExportReportsHandler } from './export-reports.handler';
import { exportReportsQuerySchema } from './export-reports.query';
import { ApiReportFactFilters } from './report-filter.api';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports/mfa')
@UseGuards(ApiKeyGuard)
export class ExportReportsHttpController {
  constructor(private readonly exportReports: ExportReportsHandler) {}

  @Get('export.csv')
  @RequireRole('admin')
  @ApiOperation({ summary: "The workspace's MFA Report as CSV (RFC 4180), newest first, streamed" })
  @ApiProduces('text/csv')
  @ApiQuery({ name: 'userId', required: false })
  @ApiQuery({ name: 'status', required: false, enum: REPORT_STATUSES })
  @ApiQuery({ name: 'from', required: false, description: 'created at or after (ISO 8601)' })
  @ApiQuery({ name: 'to', required: false, description: 'created before (ISO 8601)' })
  @ApiReportFactFilters()
  async export(@Caller() caller: ApiKeyCaller, @Query() query: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    const filters = parseBody(exportReportsQuerySchema, query);
    // Readable.from pulls the next batch only when the socket has taken the previous one: backpressure end to end.
    const body = Readable.from(this.exportReports.execute({ workspaceId: caller.workspaceId, filters }), { objectMode: false });
    await reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="mfa-report.csv"')
      .header('cache-control', 'no-store')
      .send(body);
  }
}
