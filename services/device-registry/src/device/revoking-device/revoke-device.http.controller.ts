import { Controller, Delete, HttpCode, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { userIdSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { DeviceCommands } from '../device-commands';

@ApiTags('devices')
@ApiBearerAuth()
@Controller('v1/users/:userId/devices/:deviceId')
@UseGuards(ApiKeyGuard)
export class RevokeDeviceHttpController {
  constructor(private readonly devices: DeviceCommands) {}

  @Delete()
  @HttpCode(204)
  @RequireRole('platform', 'admin')
  @ApiOperation({ summary: 'Revoke a device: it can no longer sign anything. Revoking twice changes nothing.' })
  async revoke(@Caller() caller: ApiKeyCaller, @Param('userId') rawUserId: string, @Param('deviceId') deviceId: string): Promise<void> {
    const userId = parseBody(userIdSchema, rawUserId);
    const device = await this.devices.find(deviceId, caller.workspaceId, userId);
    await this.devices.execute(device, { type: 'RevokeDevice', reason: 'revoked', revokedBy: { kind: caller.role, keyId: caller.keyId }, now: new Date() });
  }
}
