import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { userIdSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { RegistryRuntime } from '../../registry-runtime';

@ApiTags('devices')
@ApiBearerAuth()
@Controller('v1/users/:userId/devices')
@UseGuards(ApiKeyGuard)
export class ListDevicesHttpController {
  constructor(private readonly runtime: RegistryRuntime) {}

  @Get()
  @RequireRole('platform', 'admin')
  @ApiOperation({ summary: "The user's devices, active and revoked, oldest first" })
  async list(@Caller() caller: ApiKeyCaller, @Param('userId') rawUserId: string) {
    const userId = parseBody(userIdSchema, rawUserId);
    const rows = await this.runtime.devices.listForUser(caller.workspaceId, userId);
    return {
      items: rows.map(({ deviceId, name, platform, pushProvider, status, pairedAt, lastSeenAt, pushTokenStatus }) => ({
        deviceId,
        name,
        platform,
        pushProvider,
        status,
        pairedAt,
        lastSeenAt,
        pushTokenStatus,
      })),
    };
  }
}
