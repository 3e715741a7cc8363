import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { userIdSchema } from '@pushmfa/contracts';
import { parseBody, ProblemException } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { RegistryRuntime } from '../../registry-runtime';
import { WorkspaceCommands } from '../../workspace/workspace-commands';
import { type SignInOptions, signInOptions } from './sign-in-options';

@ApiTags('pools')
@ApiBearerAuth()
@Controller('v1/users/:userId/sign-in-options')
@UseGuards(ApiKeyGuard)
export class SignInOptionsHttpController {
  constructor(
    private readonly workspaces: WorkspaceCommands,
    private readonly runtime: RegistryRuntime,
  ) {}

  @Get()
  @RequireRole('platform', 'admin')
  @ApiOperation({
    summary:
      "What the sign-in page may offer the user: the pool's factors with their preferred method, and whether push can be offered now (reason: push_disabled, not_in_pool, no_active_device, push_locked)",
  })
  async read(@Caller() caller: ApiKeyCaller, @Param('userId') rawUserId: string): Promise<SignInOptions> {
    const userId = parseBody(userIdSchema, rawUserId);
    const { workspaceId } = caller;
    const poolId = await this.runtime.pools.poolIdOf(workspaceId, userId);
    const [workspace, pool, activeDevices, pushLocked] = await Promise.all([
      this.workspaces.load(workspaceId),
      this.runtime.pools.policyOf(workspaceId, poolId),
      this.runtime.devices.activeDeviceIds(workspaceId, userId),
      this.runtime.pushLocks.isLocked(workspaceId, userId, new Date()),
    ]);
    if (workspace.status !== 'active' || !pool) throw new ProblemException('not_found', 'no such workspace');
    return signInOptions({ poolId, pool, pushEnabled: workspace.settings.pushEnabled, activeDevices: activeDevices.length, pushLocked });
  }
}
