import { Controller, Delete, HttpCode, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { PushUnlocker } from './push-unlocker';

@ApiTags('users')
@ApiBearerAuth()
@Controller('v1/users/:userId/push-lock')
@UseGuards(ApiKeyGuard)
export class UnlockPushHttpController {
  constructor(private readonly unlocker: PushUnlocker) {}

  @Delete()
  @HttpCode(204)
  @RequireRole('admin')
  @ApiOperation({ summary: "Lift the user's push lock (fraud report or wrong numbers) before it runs out; 404 when push is not locked" })
  async unlock(@Caller() caller: ApiKeyCaller, @Param('userId') userId: string): Promise<void> {
    await this.unlocker.unlock(caller.workspaceId, userId, caller.keyId);
  }
}
