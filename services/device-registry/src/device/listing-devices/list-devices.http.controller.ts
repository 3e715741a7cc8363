import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { userIdSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { ListDevicesHandler } from './list-devices.handler';
import { DeviceListDto } from './device-list.dto';

@ApiTags('devices')
@ApiBearerAuth()
@Controller('v1/users/:userId/devices')
@UseGuards(ApiKeyGuard)
export class ListDevicesHttpController {
  constructor(private readonly listDevices: ListDevicesHandler) {}

  @Get()
  @RequireRole('platform', 'admin')
  @ApiOperation({
    summary: "The user's devices, active and revoked, oldest first; `health` is what the app last reported about itself (null before its first report)",
  })
  @ApiOkResponse({ type: DeviceListDto })
  list(@Caller() caller: ApiKeyCaller, @Param('userId') rawUserId: string) {
    const userId = parseBody(userIdSchema, rawUserId);
    return this.listDevices.execute({ workspaceId: caller.workspaceId, userId });
  }
}
