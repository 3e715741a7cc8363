import { Controller, Delete, HttpCode, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { userIdSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { RegistryRuntime } from '../../registry-runtime';
import { UserCommands } from '../user-commands';

@ApiTags('users')
@ApiBearerAuth()
@Controller('v1/users/:userId/push-lock')
@UseGuards(ApiKeyGuard)
export class LiftPushLockHttpController {
  constructor(
    private readonly users: UserCommands,
    private readonly runtime: RegistryRuntime,
  ) {}

  @Delete()
  @HttpCode(204)
  @RequireRole('admin')
  @ApiOperation({
    summary: "Lift the user's push lock (fraud report or wrong numbers) before it runs out (admin); the next challenge pushes again",
  })
  @ApiNoContentResponse({ description: 'Lifted; PushLockLifted is published' })
  @ApiNotFoundResponse({ description: 'not_found: push is not locked for the user' })
  async lift(@Caller() caller: ApiKeyCaller, @Param('userId') rawUserId: string): Promise<void> {
    const userId = parseBody(userIdSchema, rawUserId);
    const result = await this.users.liftPushLock(caller.workspaceId, userId, caller.keyId);
    // The challenge service honours the lift once it has read it: answered after it is on Kafka.
    await this.runtime.published(result);
  }
}
