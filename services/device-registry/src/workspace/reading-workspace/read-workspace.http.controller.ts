import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProblemException } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { WorkspaceCommands } from '../workspace-commands';

@ApiTags('workspace')
@ApiBearerAuth()
@Controller('v1/workspace')
@UseGuards(ApiKeyGuard)
export class ReadWorkspaceHttpController {
  constructor(private readonly workspaces: WorkspaceCommands) {}

  @Get()
  @RequireRole('platform', 'admin')
  @ApiOperation({ summary: "The caller's workspace and its settings" })
  async read(@Caller() caller: ApiKeyCaller) {
    const state = await this.workspaces.load(caller.workspaceId);
    if (state.status !== 'active') throw new ProblemException('not_found', 'no such workspace');
    return { id: state.workspaceId, name: state.name, settings: state.settings };
  }
}
