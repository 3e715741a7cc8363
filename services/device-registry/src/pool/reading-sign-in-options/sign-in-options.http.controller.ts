import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { userIdSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import type { SignInOptions } from './sign-in-options';
import { SignInOptionsHandler } from './sign-in-options.handler';

@ApiTags('pools')
@ApiBearerAuth()
@Controller('v1/users/:userId/sign-in-options')
@UseGuards(ApiKeyGuard)
export class SignInOptionsHttpController {
  constructor(private readonly signInOptions: SignInOptionsHandler) {}

  @Get()
  @RequireRole('platform', 'admin')
  @ApiOperation({
    summary:
      "What the sign-in page may offer the user: the pool's factors with their preferred method, and whether push can be offered now (reason: push_disabled, not_in_pool, no_active_device, push_locked)",
  })
  read(@Caller() caller: ApiKeyCaller, @Param('userId') rawUserId: string): Promise<SignInOptions> {
    return this.signInOptions.execute({ workspaceId: caller.workspaceId, userId: parseBody(userIdSchema, rawUserId) });
  }
}
