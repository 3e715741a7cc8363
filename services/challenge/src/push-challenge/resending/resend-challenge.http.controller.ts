import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { ChallengeCommands } from '../challenge-commands';

@ApiTags('challenges')
@ApiBearerAuth()
@Controller('v1/challenges/:challengeId/resend')
@UseGuards(ApiKeyGuard)
export class ResendChallengeHttpController {
  constructor(private readonly challenges: ChallengeCommands) {}

  @Post()
  @HttpCode(202)
  @RequireRole('platform')
  @ApiOperation({
    summary:
      "Push the pending challenge again to its devices (at most 3 times); the deadline stays. A resend is a push: push_locked while the user is locked, and it counts toward the user's maxChallengesPerUserPer10Min and minSecondsBetweenPushes (rate_limited with Retry-After)",
  })
  async resend(@Caller() caller: ApiKeyCaller, @Param('challengeId') challengeId: string) {
    const challenge = await this.challenges.read(challengeId, caller.workspaceId);
    const { newEvents } = await this.challenges.executeForUser(challenge, caller.workspaceId, (admission, now) => ({
      type: 'ResendChallenge',
      now,
      refusal: admission.refusal,
    }));
    const resent = newEvents.find((event) => event.type === 'ChallengeResendRequested');
    return { attempt: resent?.type === 'ChallengeResendRequested' ? resent.data.attempt : 0 };
  }
}
