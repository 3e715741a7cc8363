import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProblemException } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import type { MfaReportDetail } from '../mfa-report/mfa-report.row';
import { MfaReportDetailDto } from './mfa-report-row.dto';
import { MfaReportQueries } from './mfa-report.queries';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports/mfa')
@UseGuards(ApiKeyGuard)
export class ReadReportHttpController {
  constructor(private readonly reports: MfaReportQueries) {}

  @Get(':challengeId')
  @RequireRole('admin')
  @ApiOperation({ summary: 'One challenge of the MFA Report with its timeline' })
  @ApiOkResponse({ type: MfaReportDetailDto })
  async read(@Caller() caller: ApiKeyCaller, @Param('challengeId') challengeId: string): Promise<MfaReportDetail> {
    const report = challengeId.length <= 100 ? await this.reports.find(caller.workspaceId, challengeId) : undefined;
    // Another workspace's challenge answers exactly like one that does not exist.
    if (!report) throw new ProblemException('not_found', 'no such challenge in this workspace');
    return report;
  }
}
