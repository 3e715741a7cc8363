import { Body, Controller, HttpCode, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { idSchema, userIdSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { AssignPoolHandler } from './assign-pool.handler';

const assignment = z.strictObject({ poolId: idSchema });

@ApiTags('pools')
@ApiBearerAuth()
@Controller('v1/users/:userId/pool')
@UseGuards(ApiKeyGuard)
export class AssignPoolHttpController {
  constructor(private readonly assignPool: AssignPoolHandler) {}

  @Put()
  @HttpCode(200)
  @RequireRole('platform', 'admin')
  @ApiOperation({ summary: 'Put the user in a pool (`{poolId}`; `default` for the default pool); 404 not_found for a pool that does not exist' })
  assign(@Caller() caller: ApiKeyCaller, @Param('userId') rawUserId: string, @Body() body: unknown): Promise<{ userId: string; poolId: string }> {
    const userId = parseBody(userIdSchema, rawUserId);
    const { poolId } = parseBody(assignment, body);
    return this.assignPool.execute({ workspaceId: caller.workspaceId, userId, poolId, actor: { kind: caller.role, keyId: caller.keyId } });
  }
}
