import { Controller, Delete, HttpCode, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { userIdSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { RegistryRuntime } from '../../registry-runtime';
import { DeviceCommands } from '../device-commands';

@ApiTags('devices')
@ApiBearerAuth()
@Controller('v1/users/:userId/devices/:deviceId')
@UseGuards(ApiKeyGuard)
export class RevokeDeviceHttpController {
  constructor(
    private readonly devices: DeviceCommands,
    private readonly runtime: RegistryRuntime,
  ) {}

  @Delete()
  @HttpCode(204)
  @RequireRole('platform', 'admin')
  @ApiOperation({ summary: 'Revoke a device: from the moment this answers it can no longer sign anything anywhere. Revoking twice changes nothing.' })
  async revoke(@Caller() caller: ApiKeyCaller, @Param('userId') rawUserId: string, @Param('deviceId') deviceId: string): Promise<void> {
    const userId = parseBody(userIdSchema, rawUserId);
    const device = await this.devices.find(deviceId, caller.workspaceId, userId);
    const result = await this.devices.execute(device, {
      type: 'RevokeDevice',
      reason: 'revoked',
      revokedBy: { kind: caller.role, keyId: caller.keyId },
      now: new Date(),
    });
    // Refused by every service from the moment this answers: the revocation is on the registry topic.
    await this.runtime.published(result);
  }
}
