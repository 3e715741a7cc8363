import { Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { idSchema } from '@pushmfa/contracts';
import { type DeviceSignedRequest, DeviceSignatureGuard } from '@pushmfa/device-auth';
import { parseBody } from '@pushmfa/http';
import { ChangeOwnDeviceHandler } from '../changing-own-device/change-own-device.handler';

@ApiTags('device')
@Controller('v1/device/test-pushes/:testPushId/receipt')
@UseGuards(DeviceSignatureGuard)
export class AcknowledgeTestPushHttpController {
  constructor(private readonly changeOwnDevice: ChangeOwnDeviceHandler) {}

  @Post()
  @HttpCode(204)
  @ApiOperation({
    summary:
      'The app says (signed by the device) that it received an admin’s test push; idempotent. Only the device the test push was sent to may acknowledge it: any other answers not_found',
  })
  acknowledge(@Req() request: DeviceSignedRequest, @Param('testPushId') rawTestPushId: string): Promise<void> {
    const testPushId = parseBody(idSchema, rawTestPushId);
    const signer = request.device;
    if (!signer) throw new Error('DeviceSignatureGuard let a request through without a device');
    return this.changeOwnDevice.execute({ signer, command: { type: 'AcknowledgeTestPush', testPushId, now: new Date() } });
  }
}
