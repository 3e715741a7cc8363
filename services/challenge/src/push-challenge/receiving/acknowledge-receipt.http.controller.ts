import { Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedDevice, DeviceSignatureGuard } from '@pushmfa/device-auth';
import { ProblemException } from '@pushmfa/http';
import { ChallengeCommands } from '../challenge-commands';

@ApiTags('device')
@Controller('v1/device/challenges/:challengeId/receipt')
@UseGuards(DeviceSignatureGuard)
export class AcknowledgeReceiptHttpController {
  constructor(private readonly challenges: ChallengeCommands) {}

  @Post()
  @HttpCode(204)
  @ApiOperation({ summary: 'The request reached the app; idempotent: recorded once per device' })
  async acknowledge(@Param('challengeId') challengeId: string, @Req() request: { device: AuthenticatedDevice }): Promise<void> {
    const { device } = request;
    const challenge = await this.challenges.read(challengeId, device.workspaceId);
    if (challenge.state.userId !== device.userId) throw new ProblemException('not_found', 'no such challenge');
    await this.challenges.execute(challengeId, device.workspaceId, { type: 'AcknowledgeReceipt', deviceId: device.deviceId, now: new Date() }, challenge);
  }
}
