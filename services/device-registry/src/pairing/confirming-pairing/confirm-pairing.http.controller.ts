import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseBody, ProblemException } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { MAX_WRONG_CODES } from '../pairing.decider';
import { PairingCommands, pairingDigest } from '../pairing-commands';

const confirmBody = z.object({ code: z.string().regex(/^\d{6}$/, 'must be the 6-digit code the app shows') }).strict();

@ApiTags('pairings')
@ApiBearerAuth()
@Controller('v1/pairings/:pairingId/confirm')
@UseGuards(ApiKeyGuard)
export class ConfirmPairingHttpController {
  constructor(private readonly pairings: PairingCommands) {}

  @Post()
  @HttpCode(200)
  @RequireRole('platform')
  @ApiOperation({ summary: 'The platform submits the code the user typed; 5 wrong codes fail the pairing' })
  async confirm(@Caller() caller: ApiKeyCaller, @Param('pairingId') pairingId: string, @Body() body: unknown) {
    const { code } = parseBody(confirmBody, body);
    await this.pairings.load(pairingId, caller.workspaceId);
    const { state, newEvents } = await this.pairings.execute(pairingId, caller.workspaceId, {
      type: 'ConfirmPairing',
      codeHash: pairingDigest(pairingId, code),
      now: new Date(),
    });
    if (newEvents.some((e) => e.type === 'PairingFailed')) throw new ProblemException('pairing_failed', `${MAX_WRONG_CODES} wrong codes: this pairing has failed`);
    if (newEvents.some((e) => e.type === 'ConfirmationCodeRejected')) throw new ProblemException('invalid_confirmation_code', 'the confirmation code is wrong');
    if (state.status !== 'confirmed') throw new ProblemException('pairing_failed', 'the pairing could not be confirmed');
    return { deviceId: state.device.deviceId, status: 'active' };
  }
}
