import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { userIdSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { ResetMfaHandler } from './reset-mfa.handler';

@ApiTags('devices')
@ApiBearerAuth()
@Controller('v1/users/:userId/mfa-reset')
@UseGuards(ApiKeyGuard)
export class ResetMfaHttpController {
  constructor(private readonly resetMfa: ResetMfaHandler) {}

  @Post()
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOperation({ summary: "Revoke every active device of the user (admin); the user's challenges then answer no_active_device" })
  reset(@Caller() caller: ApiKeyCaller, @Param('userId') rawUserId: string) {
    const userId = parseBody(userIdSchema, rawUserId);
    return this.resetMfa.execute({ workspaceId: caller.workspaceId, userId, resetBy: { kind: caller.role, keyId: caller.keyId } });
  }
}
