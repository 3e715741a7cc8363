import { Body, Controller, HttpCode, Put, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { isoDateTime, safeText } from '@pushmfa/contracts';
import { type DeviceSignedRequest, DeviceSignatureGuard } from '@pushmfa/device-auth';
import { parseBody } from '@pushmfa/http';
import { ChangeOwnDeviceHandler } from '../changing-own-device/change-own-device.handler';

const healthBody = z
  .object({
    notifications: z.enum(['allowed', 'denied']).optional(),
    focusMode: z.boolean().optional(),
    batterySaver: z.boolean().optional(),
    backgroundRefresh: z.boolean().optional(),
    appVersion: safeText(z.string().min(1).max(100)).optional(),
    osVersion: safeText(z.string().min(1).max(100)).optional(),
    lastPushSeenAt: isoDateTime.optional(),
  })
  .strict();

@ApiTags('device')
@Controller('v1/device/health')
@UseGuards(DeviceSignatureGuard)
export class ReportHealthHttpController {
  constructor(private readonly changeOwnDevice: ChangeOwnDeviceHandler) {}

  @Put()
  @HttpCode(204)
  @ApiOperation({
    summary:
      'The app reports its own health (signed by the device): notification permission, Focus mode, battery saver, background refresh, versions, last push seen. Every field is optional; a report repeating the last one within a minute records nothing',
  })
  report(@Req() request: DeviceSignedRequest, @Body() body: unknown): Promise<void> {
    const health = parseBody(healthBody, body ?? {});
    const signer = request.device;
    if (!signer) throw new Error('DeviceSignatureGuard let a request through without a device');
    return this.changeOwnDevice.execute({ signer, command: { type: 'ReportHealth', health, now: new Date() } });
  }
}
