import { Body, Controller, HttpCode, Put, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { safeText } from '@pushmfa/contracts';
import { type DeviceSignedRequest, DeviceSignatureGuard } from '@pushmfa/device-auth';
import { parseBody } from '@pushmfa/http';
import { ChangeOwnDeviceHandler } from '../changing-own-device/change-own-device.handler';

const pushTokenBody = z.object({ pushToken: safeText(z.string().min(1).max(4096)) }).strict();

@ApiTags('device')
@Controller('v1/device/push-token')
@UseGuards(DeviceSignatureGuard)
export class RotatePushTokenHttpController {
  constructor(private readonly changeOwnDevice: ChangeOwnDeviceHandler) {}

  @Put()
  @HttpCode(204)
  @ApiOperation({ summary: 'The app reports its current push token (signed by the device); a new token makes pushes reach it again' })
  rotate(@Req() request: DeviceSignedRequest, @Body() body: unknown): Promise<void> {
    const { pushToken } = parseBody(pushTokenBody, body);
    const signer = request.device;
    if (!signer) throw new Error('DeviceSignatureGuard let a request through without a device');
    return this.changeOwnDevice.execute({ signer, command: { type: 'RotatePushToken', pushToken, now: new Date() } });
  }
}
