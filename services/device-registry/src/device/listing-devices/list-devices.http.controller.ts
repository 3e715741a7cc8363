import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { deviceHealthSummary, userIdSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { RegistryRuntime } from '../../registry-runtime';
import type { DeviceRow } from '../device-directory';
import { DeviceListDto } from './device-list.dto';

@ApiTags('devices')
@ApiBearerAuth()
@Controller('v1/users/:userId/devices')
@UseGuards(ApiKeyGuard)
export class ListDevicesHttpController {
  constructor(private readonly runtime: RegistryRuntime) {}

  @Get()
  @RequireRole('platform', 'admin')
  @ApiOperation({
    summary: "The user's devices, active and revoked, oldest first; `health` is what the app last reported about itself (null before its first report)",
  })
  @ApiOkResponse({ type: DeviceListDto })
  async list(@Caller() caller: ApiKeyCaller, @Param('userId') rawUserId: string) {
    const userId = parseBody(userIdSchema, rawUserId);
    const rows = await this.runtime.devices.listForUser(caller.workspaceId, userId);
    return {
      items: rows.map(({ deviceId, name, platform, pushProvider, status, pairedAt, lastSeenAt, pushTokenStatus, health }) => ({
        deviceId,
        name,
        platform,
        pushProvider,
        status,
        pairedAt,
        lastSeenAt,
        pushTokenStatus,
        health: health ? healthOf(health) : null,
      })),
    };
  }
}

/** Every field, null when the app did not report it, and the admins' sentence. */
function healthOf(health: NonNullable<DeviceRow['health']>) {
  return {
    notifications: health.notifications ?? null,
    focusMode: health.focusMode ?? null,
    batterySaver: health.batterySaver ?? null,
    backgroundRefresh: health.backgroundRefresh ?? null,
    appVersion: health.appVersion ?? null,
    osVersion: health.osVersion ?? null,
    lastPushSeenAt: health.lastPushSeenAt ?? null,
    reportedAt: health.reportedAt,
    summary: deviceHealthSummary(health),
  };
}
