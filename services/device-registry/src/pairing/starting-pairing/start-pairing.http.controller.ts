import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { safeText, userIdSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { StartPairingHandler } from './start-pairing.handler';

const startPairingBody = z
  .object({ deviceName: safeText(z.string().trim().min(1).max(200)).optional(), replaceDeviceId: z.string().uuid().optional() })
  .strict();

@ApiTags('pairings')
@ApiBearerAuth()
@Controller('v1/users/:userId/pairings')
@UseGuards(ApiKeyGuard)
export class StartPairingHttpController {
  constructor(private readonly startPairing: StartPairingHandler) {}

  @Post()
  @HttpCode(201)
  @RequireRole('platform')
  @ApiOperation({ summary: 'Start pairing a phone: returns the QR code URI, valid 10 minutes' })
  start(@Caller() caller: ApiKeyCaller, @Param('userId') rawUserId: string, @Body() body: unknown) {
    const userId = parseBody(userIdSchema, rawUserId);
    const { deviceName, replaceDeviceId } = parseBody(startPairingBody, body ?? {});
    return this.startPairing.execute({
      workspaceId: caller.workspaceId,
      userId,
      ...(deviceName ? { deviceName } : {}),
      ...(replaceDeviceId ? { replaceDeviceId } : {}),
    });
  }
}
