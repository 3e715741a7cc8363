import { Controller, Delete, HttpCode, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { userIdSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { LiftPushLockHandler } from './lift-push-lock.handler';

@ApiTags('users')
@ApiBearerAuth()
@Controller('v1/users/:userId/push-lock')
@UseGuards(ApiKeyGuard)
export class LiftPushLockHttpController {
  constructor(private readonly liftPushLock: LiftPushLockHandler) {}

  @Delete()
  @HttpCode(204)
  @RequireRole('admin')
  @ApiOperation({
    summary: "Lift the user's push lock (fraud report or wrong numbers) before it runs out (admin); the next challenge pushes again",
  })
  @ApiNoContentResponse({ description: 'Lifted; PushLockLifted is published' })
  @ApiNotFoundResponse({ description: 'not_found: push is not locked for the user' })
  lift(@Caller() caller: ApiKeyCaller, @Param('userId') rawUserId: string): Promise<void> {
    return this.liftPushLock.execute({ workspaceId: caller.workspaceId, userId: parseBody(userIdSchema, rawUserId), keyId: caller.keyId });
  }
}
