import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { ResendChallengeHandler } from './resend-challenge.handler';

@ApiTags('challenges')
@ApiBearerAuth()
@Controller('v1/challenges/:challengeId/resend')
@UseGuards(ApiKeyGuard)
export class ResendChallengeHttpController {
  constructor(private readonly resendChallenge: ResendChallengeHandler) {}

  @Post()
  @HttpCode(202)
  @RequireRole('platform')
  @ApiOperation({
    summary:
      "Push the pending challenge again to its devices (at most 3 times); the deadline stays. A resend is a push: push_locked while the user is locked, and it counts toward the user's maxChallengesPerUserPer10Min and minSecondsBetweenPushes (rate_limited with Retry-After)",
  })
  resend(@Caller() caller: ApiKeyCaller, @Param('challengeId') challengeId: string) {
    return this.resendChallenge.execute({ workspaceId: caller.workspaceId, challengeId });
  }
}
