import { Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedDevice, DeviceSignatureGuard } from '@pushmfa/device-auth';
import { AcknowledgeReceiptHandler } from './acknowledge-receipt.handler';

@ApiTags('device')
@Controller('v1/device/challenges/:challengeId/receipt')
@UseGuards(DeviceSignatureGuard)
export class AcknowledgeReceiptHttpController {
  constructor(private readonly acknowledgeReceipt: AcknowledgeReceiptHandler) {}

  @Post()
  @HttpCode(204)
  @ApiOperation({ summary: 'The request reached the app; idempotent: recorded once per device' })
  acknowledge(@Param('challengeId') challengeId: string, @Req() request: { device: AuthenticatedDevice }): Promise<void> {
    return this.acknowledgeReceipt.execute(challengeId, request.device);
  }
}
