import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { parseBody } from '@pushmfa/http';
import { OperatorGuard } from '@pushmfa/workspace-access';
import { WorkspaceCommands } from '../workspace-commands';

const createWorkspaceBody = z.object({ name: z.string().trim().min(1).max(200) }).strict();

@ApiTags('workspaces')
@ApiBearerAuth()
@Controller('v1/workspaces')
@UseGuards(OperatorGuard)
export class CreateWorkspaceHttpController {
  constructor(private readonly workspaces: WorkspaceCommands) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a workspace (operator). Push starts disabled.' })
  async create(@Body() body: unknown) {
    const { name } = parseBody(createWorkspaceBody, body);
    const workspaceId = randomUUID();
    const { state } = await this.workspaces.execute(workspaceId, { type: 'CreateWorkspace', workspaceId, name });
    if (state.status !== 'active') throw new Error('workspace was not created');
    return { id: workspaceId, name: state.name, settings: state.settings };
  }
}
