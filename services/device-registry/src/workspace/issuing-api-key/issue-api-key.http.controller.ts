import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { safeText } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { OperatorGuard } from '@pushmfa/workspace-access';
import { IssueApiKeyHandler } from './issue-api-key.handler';

const issueKeyBody = z.object({ role: z.enum(['platform', 'admin']), label: safeText(z.string().trim().min(1).max(200)).optional() }).strict();

@ApiTags('workspaces')
@ApiBearerAuth()
@Controller('v1/workspaces/:workspaceId/api-keys')
@UseGuards(OperatorGuard)
export class IssueApiKeyHttpController {
  constructor(private readonly issueApiKey: IssueApiKeyHandler) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Issue a platform or admin key (operator). The key is shown once; only its hash is kept.' })
  issue(@Param('workspaceId') workspaceId: string, @Body() body: unknown) {
    const { role, label } = parseBody(issueKeyBody, body);
    return this.issueApiKey.execute({ workspaceId, role, ...(label ? { label } : {}) });
  }
}
