import { Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { type AuthenticatedDevice, DeviceSignatureGuard } from '@pushmfa/device-auth';
import { parseBody } from '@pushmfa/http';
import { ListPendingChallengesHandler } from './list-pending-challenges.handler';

const listQuery = z.object({ status: z.literal('pending') }).strict();

@ApiTags('device')
@Controller('v1/device/challenges')
@UseGuards(DeviceSignatureGuard)
export class ListPendingChallengesHttpController {
  constructor(private readonly listPendingChallenges: ListPendingChallengesHandler) {}

  @Get()
  @ApiQuery({ name: 'status', required: true, enum: ['pending'] })
  @ApiOperation({
    summary:
      'The app\'s Pending tab: open challenges of the device\'s user, newest first; never the number to match (a "choose" challenge lists its three numberChoices, the right one unmarked)',
  })
  list(@Query() query: unknown, @Req() request: { device: AuthenticatedDevice }) {
    parseBody(listQuery, query);
    const { device } = request;
    return this.listPendingChallenges.execute({ workspaceId: device.workspaceId, userId: device.userId });
  }
}
