import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { safeText } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { OperatorGuard } from '@pushmfa/workspace-access';
import { CreateWorkspaceHandler } from './create-workspace.handler';

const createWorkspaceBody = z.object({ name: safeText(z.string().trim().min(1).max(200)) }).strict();

@ApiTags('workspaces')
@ApiBearerAuth()
@Controller('v1/workspaces')
@UseGuards(OperatorGuard)
export class CreateWorkspaceHttpController {
  constructor(private readonly createWorkspace: CreateWorkspaceHandler) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a workspace (operator). Push starts disabled.' })
  create(@Body() body: unknown) {
    return this.createWorkspace.execute(parseBody(createWorkspaceBody, body));
  }
}
