import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { ConfirmPairingHandler } from './confirm-pairing.handler';

const confirmBody = z.object({ code: z.string().regex(/^\d{6}$/, 'must be the 6-digit code the app shows') }).strict();

@ApiTags('pairings')
@ApiBearerAuth()
@Controller('v1/pairings/:pairingId/confirm')
@UseGuards(ApiKeyGuard)
export class ConfirmPairingHttpController {
  constructor(private readonly confirmPairing: ConfirmPairingHandler) {}

  @Post()
  @HttpCode(200)
  @RequireRole('platform')
  @ApiOperation({ summary: 'The platform submits the code the user typed; 5 wrong codes fail the pairing; at most maxDevicesPerUser active devices' })
  confirm(@Caller() caller: ApiKeyCaller, @Param('pairingId') pairingId: string, @Body() body: unknown) {
    const { code } = parseBody(confirmBody, body);
    return this.confirmPairing.execute({ workspaceId: caller.workspaceId, pairingId, code, confirmedBy: { kind: caller.role, keyId: caller.keyId } });
  }
}
