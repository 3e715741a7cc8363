import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { ReadWorkspaceHandler } from './read-workspace.handler';

@ApiTags('workspace')
@ApiBearerAuth()
@Controller('v1/workspace')
@UseGuards(ApiKeyGuard)
export class ReadWorkspaceHttpController {
  constructor(private readonly readWorkspace: ReadWorkspaceHandler) {}

  @Get()
  @RequireRole('platform', 'admin')
  @ApiOperation({ summary: "The caller's workspace and its settings" })
  read(@Caller() caller: ApiKeyCaller) {
    return this.readWorkspace.execute({ workspaceId: caller.workspaceId });
  }
}
