import { Body, Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { type AuthenticatedDevice, DeviceSignatureGuard } from '@pushmfa/device-auth';
import { DEFAULT_SETTINGS } from '@pushmfa/contracts';
import { parseBody, ProblemException } from '@pushmfa/http';
import { ChallengeCommands } from '../challenge-commands';
import { challengeView } from '../challenge-view';

const responseBody = z
  .object({
    decision: z.enum(['approve', 'deny']),
    numberMatch: z
      .string()
      .regex(/^\d{1,6}$/)
      .optional(),
    fraud: z.boolean().optional(),
    /** The user passed the device's own check (biometric or PIN); a first-factor push needs it to be approved. */
    userVerified: z.boolean().optional(),
  })
  .strict();

@ApiTags('device')
@Controller('v1/device/challenges/:challengeId/response')
@UseGuards(DeviceSignatureGuard)
export class RespondToChallengeHttpController {
  constructor(private readonly challenges: ChallengeCommands) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'The app approves (with numberMatch: the number shown on the sign-in page, typed, or tapped among the three numberChoices of a "choose" challenge; one try, a wrong one denies) or denies; the first response wins. A fraud report (deny with fraud: true) is recorded whatever the status and locks push for the user; while push is locked no approval is accepted (push_locked)',
  })
  async respond(@Param('challengeId') challengeId: string, @Body() body: unknown, @Req() request: { device: AuthenticatedDevice }) {
    const input = parseBody(responseBody, body);
    const { device } = request;
    const challenge = await this.challenges.read(challengeId, device.workspaceId);
    if (challenge.state.userId !== device.userId) throw new ProblemException('not_found', 'no such challenge');
    // The user's lock, streak and the workspace's settings are read under the user's lock, in the append's transaction.
    const { state, newEvents } = await this.challenges.executeForUser(challenge, device.workspaceId, (admission, now) => {
      const settings = admission.settings ?? DEFAULT_SETTINGS;
      return {
        type: 'RespondToChallenge',
        deviceId: device.deviceId,
        decision: input.decision,
        fraud: input.fraud === true,
        fraudLockMinutes: settings.fraudLockMinutes,
        numberMismatchLockThreshold: settings.numberMismatchLockThreshold,
        user: admission.guard,
        now,
        ...(input.numberMatch ? { numberMatch: input.numberMatch } : {}),
        ...(input.userVerified === true ? { userVerified: true } : {}),
      };
    });
    if (newEvents.some((e) => e.type === 'ChallengeDenied' && e.data.reason === 'number_mismatch')) {
      const locked = newEvents.some((e) => e.type === 'PushLocked');
      throw new ProblemException(
        'number_mismatch',
        `the number does not match the one on the sign-in page; the request was denied${locked ? ', and push is locked for this user after repeated wrong numbers' : ''}`,
      );
    }
    return { status: challengeView(state as typeof challenge.state).status };
  }
}
