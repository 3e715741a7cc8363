import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { safeText } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { OperatorGuard } from '@pushmfa/workspace-access';
import { RegistryRuntime } from '../../registry-runtime';
import { WorkspaceCommands } from '../workspace-commands';

const createWorkspaceBody = z.object({ name: safeText(z.string().trim().min(1).max(200)) }).strict();

@ApiTags('workspaces')
@ApiBearerAuth()
@Controller('v1/workspaces')
@UseGuards(OperatorGuard)
export class CreateWorkspaceHttpController {
  constructor(
    private readonly workspaces: WorkspaceCommands,
    private readonly runtime: RegistryRuntime,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a workspace (operator). Push starts disabled.' })
  async create(@Body() body: unknown) {
    const { name } = parseBody(createWorkspaceBody, body);
    const workspaceId = randomUUID();
    const result = await this.workspaces.execute(workspaceId, { type: 'CreateWorkspace', workspaceId, name });
    const { state } = result;
    if (state.status !== 'active') throw new Error('workspace was not created');
    await this.runtime.published(result);
    return { id: workspaceId, name: state.name, settings: state.settings };
  }
}
