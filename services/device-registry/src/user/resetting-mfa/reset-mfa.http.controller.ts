import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { userIdSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { DeviceCommands } from '../../device/device-commands';
import { RegistryRuntime } from '../../registry-runtime';
import { UserCommands } from '../user-commands';

@ApiTags('devices')
@ApiBearerAuth()
@Controller('v1/users/:userId/mfa-reset')
@UseGuards(ApiKeyGuard)
export class ResetMfaHttpController {
  constructor(
    private readonly devices: DeviceCommands,
    private readonly users: UserCommands,
    private readonly runtime: RegistryRuntime,
  ) {}

  @Post()
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOperation({ summary: "Revoke every active device of the user (admin); the user's challenges then answer no_active_device" })
  async reset(@Caller() caller: ApiKeyCaller, @Param('userId') rawUserId: string) {
    const userId = parseBody(userIdSchema, rawUserId);
    const resetBy = { kind: caller.role, keyId: caller.keyId };
    const now = new Date();
    const revokedDeviceIds: string[] = [];
    // Devices first: a reset interrupted half-way is finished by calling it again, and only then recorded.
    for (const device of await this.runtime.devices.listForUser(caller.workspaceId, userId)) {
      if (device.status !== 'active') continue;
      const { newEvents } = await this.devices.execute(device, { type: 'RevokeDevice', reason: 'mfa_reset', revokedBy: resetBy, now });
      if (newEvents.length > 0) revokedDeviceIds.push(device.deviceId);
    }
    const result = await this.users.execute(caller.workspaceId, { type: 'ResetMfa', userId, revokedDeviceIds, resetBy, now });
    // Committed after every revocation above, so published after them too.
    await this.runtime.published(result);
    return { revokedDevices: revokedDeviceIds.length };
  }
}
