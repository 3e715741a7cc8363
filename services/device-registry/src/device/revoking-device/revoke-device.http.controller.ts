import { Controller, Delete, HttpCode, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { userIdSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { RevokeDeviceHandler } from './revoke-device.handler';

@ApiTags('devices')
@ApiBearerAuth()
@Controller('v1/users/:userId/devices/:deviceId')
@UseGuards(ApiKeyGuard)
export class RevokeDeviceHttpController {
  constructor(private readonly revokeDevice: RevokeDeviceHandler) {}

  @Delete()
  @HttpCode(204)
  @RequireRole('platform', 'admin')
  @ApiOperation({ summary: 'Revoke a device: from the moment this answers it can no longer sign anything anywhere. Revoking twice changes nothing.' })
  revoke(@Caller() caller: ApiKeyCaller, @Param('userId') rawUserId: string, @Param('deviceId') deviceId: string): Promise<void> {
    const userId = parseBody(userIdSchema, rawUserId);
    return this.revokeDevice.execute({ workspaceId: caller.workspaceId, userId, deviceId, revokedBy: { kind: caller.role, keyId: caller.keyId } });
  }
}
