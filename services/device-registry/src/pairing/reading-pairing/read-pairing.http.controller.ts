import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { ReadPairingHandler } from './read-pairing.handler';

@ApiTags('pairings')
@ApiBearerAuth()
@Controller('v1/pairings/:pairingId')
@UseGuards(ApiKeyGuard)
export class ReadPairingHttpController {
  constructor(private readonly readPairing: ReadPairingHandler) {}

  @Get()
  @RequireRole('platform')
  @ApiOperation({ summary: 'Pairing status: pending, awaiting_confirmation, confirmed, expired, failed' })
  read(@Caller() caller: ApiKeyCaller, @Param('pairingId') pairingId: string) {
    return this.readPairing.execute({ workspaceId: caller.workspaceId, pairingId });
  }
}
