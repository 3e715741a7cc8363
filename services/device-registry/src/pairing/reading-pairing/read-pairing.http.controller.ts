import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { visibleStatus } from '../pairing.decider';
import { PairingCommands } from '../pairing-commands';

@ApiTags('pairings')
@ApiBearerAuth()
@Controller('v1/pairings/:pairingId')
@UseGuards(ApiKeyGuard)
export class ReadPairingHttpController {
  constructor(private readonly pairings: PairingCommands) {}

  @Get()
  @RequireRole('platform')
  @ApiOperation({ summary: 'Pairing status: pending, awaiting_confirmation, confirmed, expired, failed' })
  async read(@Caller() caller: ApiKeyCaller, @Param('pairingId') pairingId: string) {
    const state = await this.pairings.load(pairingId, caller.workspaceId);
    const status = visibleStatus(state, new Date());
    const deviceId = state.status === 'confirmed' || state.status === 'awaiting_confirmation' ? state.device.deviceId : undefined;
    return { pairingId, userId: state.userId, status, ...(deviceId ? { deviceId } : {}) };
  }
}
