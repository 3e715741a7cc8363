import { Body, Controller, HttpCode, Put, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { safeText } from '@pushmfa/contracts';
import { type DeviceSignedRequest, DeviceSignatureGuard } from '@pushmfa/device-auth';
import { parseBody } from '@pushmfa/http';
import { RegistryRuntime } from '../../registry-runtime';
import { DeviceCommands } from '../device-commands';

const pushTokenBody = z.object({ pushToken: safeText(z.string().min(1).max(4096)) }).strict();

@ApiTags('device')
@Controller('v1/device/push-token')
@UseGuards(DeviceSignatureGuard)
export class RotatePushTokenHttpController {
  constructor(
    private readonly devices: DeviceCommands,
    private readonly runtime: RegistryRuntime,
  ) {}

  @Put()
  @HttpCode(204)
  @ApiOperation({ summary: 'The app reports its current push token (signed by the device); a new token makes pushes reach it again' })
  async rotate(@Req() request: DeviceSignedRequest, @Body() body: unknown): Promise<void> {
    const { pushToken } = parseBody(pushTokenBody, body);
    const signer = request.device;
    if (!signer) throw new Error('DeviceSignatureGuard let a request through without a device');
    const now = new Date();
    await this.runtime.devices.touch(signer.deviceId, now);
    const device = await this.devices.find(signer.deviceId, signer.workspaceId);
    await this.devices.execute(device, { type: 'RotatePushToken', pushToken, now });
  }
}
