import { Body, Controller, HttpCode, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { idSchema, userIdSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { RegistryRuntime } from '../../registry-runtime';
import { PoolCommands } from '../pool-commands';

const assignment = z.strictObject({ poolId: idSchema });

@ApiTags('pools')
@ApiBearerAuth()
@Controller('v1/users/:userId/pool')
@UseGuards(ApiKeyGuard)
export class AssignPoolHttpController {
  constructor(
    private readonly pools: PoolCommands,
    private readonly runtime: RegistryRuntime,
  ) {}

  @Put()
  @HttpCode(200)
  @RequireRole('platform', 'admin')
  @ApiOperation({ summary: 'Put the user in a pool (`{poolId}`; `default` for the default pool); 404 not_found for a pool that does not exist' })
  async assign(@Caller() caller: ApiKeyCaller, @Param('userId') rawUserId: string, @Body() body: unknown): Promise<{ userId: string; poolId: string }> {
    const userId = parseBody(userIdSchema, rawUserId);
    const { poolId } = parseBody(assignment, body);
    const result = await this.pools.assign(caller.workspaceId, { type: 'AssignPool', userId, poolId, actor: { kind: caller.role, keyId: caller.keyId } });
    await this.runtime.published(result);
    return { userId, poolId: result.state.poolId };
  }
}
