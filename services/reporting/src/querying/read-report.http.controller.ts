import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import type { MfaReportDetail } from '../mfa-report/mfa-report.row';
import { MfaReportDetailDto } from './mfa-report-row.dto';
import { ReadReportHandler } from './read-report.handler';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports/mfa')
@UseGuards(ApiKeyGuard)
export class ReadReportHttpController {
  constructor(private readonly readReport: ReadReportHandler) {}

  @Get(':challengeId')
  @RequireRole('admin')
  @ApiOperation({ summary: 'One challenge of the MFA Report with its timeline' })
  @ApiOkResponse({ type: MfaReportDetailDto })
  read(@Caller() caller: ApiKeyCaller, @Param('challengeId') challengeId: string): Promise<MfaReportDetail> {
    return this.readReport.execute({ workspaceId: caller.workspaceId, challengeId });
  }
}
