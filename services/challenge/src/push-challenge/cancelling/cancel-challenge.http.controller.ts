import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { CancelChallengeHandler } from './cancel-challenge.handler';

@ApiTags('challenges')
@ApiBearerAuth()
@Controller('v1/challenges/:challengeId/cancel')
@UseGuards(ApiKeyGuard)
export class CancelChallengeHttpController {
  constructor(private readonly cancelChallenge: CancelChallengeHandler) {}

  @Post()
  @HttpCode(200)
  @RequireRole('platform')
  @ApiOperation({ summary: 'Cancel a pending challenge (the user gave up signing in)' })
  cancel(@Caller() caller: ApiKeyCaller, @Param('challengeId') challengeId: string) {
    return this.cancelChallenge.execute({ workspaceId: caller.workspaceId, challengeId });
  }
}
