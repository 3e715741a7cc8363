import { Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { idSchema } from '@pushmfa/contracts';
import { type DeviceSignedRequest, DeviceSignatureGuard } from '@pushmfa/device-auth';
import { parseBody } from '@pushmfa/http';
import { RegistryRuntime } from '../../registry-runtime';
import { DeviceCommands } from '../device-commands';

@ApiTags('device')
@Controller('v1/device/test-pushes/:testPushId/receipt')
@UseGuards(DeviceSignatureGuard)
export class AcknowledgeTestPushHttpController {
  constructor(
    private readonly devices: DeviceCommands,
    private readonly runtime: RegistryRuntime,
  ) {}

  @Post()
  @HttpCode(204)
  @ApiOperation({
    summary:
      'The app says (signed by the device) that it received an admin’s test push; idempotent. Only the device the test push was sent to may acknowledge it: any other answers not_found',
  })
  async acknowledge(@Req() request: DeviceSignedRequest, @Param('testPushId') rawTestPushId: string): Promise<void> {
    const testPushId = parseBody(idSchema, rawTestPushId);
    const signer = request.device;
    if (!signer) throw new Error('DeviceSignatureGuard let a request through without a device');
    const now = new Date();
    await this.runtime.devices.touch(signer.deviceId, now);
    const device = await this.devices.find(signer.deviceId, signer.workspaceId);
    await this.devices.execute(device, { type: 'AcknowledgeTestPush', testPushId, now });
  }
}
