import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { ChallengeCommands } from '../challenge-commands';

@ApiTags('challenges')
@ApiBearerAuth()
@Controller('v1/challenges/:challengeId/cancel')
@UseGuards(ApiKeyGuard)
export class CancelChallengeHttpController {
  constructor(private readonly challenges: ChallengeCommands) {}

  @Post()
  @HttpCode(200)
  @RequireRole('platform')
  @ApiOperation({ summary: 'Cancel a pending challenge (the user gave up signing in)' })
  async cancel(@Caller() caller: ApiKeyCaller, @Param('challengeId') challengeId: string) {
    await this.challenges.load(challengeId, caller.workspaceId);
    await this.challenges.execute(challengeId, caller.workspaceId, { type: 'CancelChallenge', now: new Date() });
    return { status: 'cancelled' };
  }
}
