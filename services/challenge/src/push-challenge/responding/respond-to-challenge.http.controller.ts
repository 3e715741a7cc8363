import { Body, Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { type AuthenticatedDevice, DeviceSignatureGuard } from '@pushmfa/device-auth';
import { DEFAULT_SETTINGS } from '@pushmfa/contracts';
import { parseBody, ProblemException } from '@pushmfa/http';
import { ChallengeRuntime } from '../../challenge-runtime';
import { ChallengeCommands } from '../challenge-commands';
import { challengeView } from '../challenge-view';

const responseBody = z
  .object({ decision: z.enum(['approve', 'deny']), numberMatch: z.string().regex(/^\d{1,6}$/).optional(), fraud: z.boolean().optional() })
  .strict();

@ApiTags('device')
@Controller('v1/device/challenges/:challengeId/response')
@UseGuards(DeviceSignatureGuard)
export class RespondToChallengeHttpController {
  constructor(
    private readonly runtime: ChallengeRuntime,
    private readonly challenges: ChallengeCommands,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'The app approves (typing the number shown on the sign-in page) or denies; the first response wins; a fraud report locks push for the user' })
  async respond(@Param('challengeId') challengeId: string, @Body() body: unknown, @Req() request: { device: AuthenticatedDevice }) {
    const input = parseBody(responseBody, body);
    const { device } = request;
    const challenge = await this.challenges.read(challengeId, device.workspaceId);
    if (challenge.state.userId !== device.userId) throw new ProblemException('not_found', 'no such challenge');
    // Only a fraud report needs the workspace's lock duration: an approval or a plain denial skips that read.
    const { fraudLockMinutes } = input.fraud === true ? ((await this.runtime.registry.settings(device.workspaceId)) ?? DEFAULT_SETTINGS) : DEFAULT_SETTINGS;
    const { state, newEvents } = await this.challenges.execute(
      challengeId,
      device.workspaceId,
      {
        type: 'RespondToChallenge',
        deviceId: device.deviceId,
        decision: input.decision,
        fraud: input.fraud === true,
        fraudLockMinutes,
        now: new Date(),
        ...(input.numberMatch ? { numberMatch: input.numberMatch } : {}),
      },
      challenge,
    );
    if (newEvents.some((e) => e.type === 'ChallengeDenied' && e.data.reason === 'number_mismatch')) {
      throw new ProblemException('number_mismatch', 'the number does not match the one on the sign-in page; the request was denied');
    }
    return { status: challengeView(state as typeof challenge.state).status };
  }
}
