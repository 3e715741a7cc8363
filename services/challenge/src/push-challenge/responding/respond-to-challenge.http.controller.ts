import { Body, Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { type AuthenticatedDevice, DeviceSignatureGuard } from '@pushmfa/device-auth';
import { parseBody } from '@pushmfa/http';
import { RespondToChallengeHandler } from './respond-to-challenge.handler';

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
  constructor(private readonly respondToChallenge: RespondToChallengeHandler) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'The app approves (with numberMatch: the number shown on the sign-in page, typed, or tapped among the three numberChoices of a "choose" challenge; one try, a wrong one denies) or denies; the first response wins. A fraud report (deny with fraud: true) is recorded whatever the status and locks push for the user; while push is locked no approval is accepted (push_locked)',
  })
  respond(@Param('challengeId') challengeId: string, @Body() body: unknown, @Req() request: { device: AuthenticatedDevice }) {
    const { decision, numberMatch, fraud, userVerified } = parseBody(responseBody, body);
    return this.respondToChallenge.execute(challengeId, {
      device: request.device,
      decision,
      ...(numberMatch !== undefined ? { numberMatch } : {}),
      ...(fraud !== undefined ? { fraud } : {}),
      ...(userVerified !== undefined ? { userVerified } : {}),
    });
  }
}
