import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { safeText, userIdSchema } from '@pushmfa/contracts';
import { parseBody, ProblemException } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { RegistryRuntime } from '../../registry-runtime';
import { WorkspaceCommands } from '../../workspace/workspace-commands';
import { PairingCommands, pairingDigest } from '../pairing-commands';

const startPairingBody = z
  .object({ deviceName: safeText(z.string().trim().min(1).max(200)).optional(), replaceDeviceId: z.string().uuid().optional() })
  .strict();

@ApiTags('pairings')
@ApiBearerAuth()
@Controller('v1/users/:userId/pairings')
@UseGuards(ApiKeyGuard)
export class StartPairingHttpController {
  constructor(
    private readonly pairings: PairingCommands,
    private readonly workspaces: WorkspaceCommands,
    private readonly runtime: RegistryRuntime,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireRole('platform')
  @ApiOperation({ summary: 'Start pairing a phone: returns the QR code URI, valid 10 minutes' })
  async start(@Caller() caller: ApiKeyCaller, @Param('userId') rawUserId: string, @Body() body: unknown) {
    const userId = parseBody(userIdSchema, rawUserId);
    const { deviceName, replaceDeviceId } = parseBody(startPairingBody, body ?? {});
    const workspace = await this.workspaces.load(caller.workspaceId);
    if (workspace.status !== 'active') throw new ProblemException('not_found', 'no such workspace');
    if (replaceDeviceId) {
      const replaced = await this.runtime.devices.find(replaceDeviceId);
      if (!replaced || replaced.workspaceId !== caller.workspaceId || replaced.userId !== userId)
        throw new ProblemException('not_found', 'no such device to replace');
    }
    const pairingId = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const { state } = await this.pairings.execute(pairingId, caller.workspaceId, {
      type: 'StartPairing',
      pairingId,
      workspaceId: caller.workspaceId,
      userId,
      secretHash: pairingDigest(pairingId, secret),
      now: new Date(),
      ...(deviceName ? { deviceName } : {}),
      ...(replaceDeviceId ? { replaceDeviceId } : {}),
    });
    if (state.status === 'absent') throw new Error('pairing was not started');
    const query = new URLSearchParams({ v: '1', url: this.runtime.config.publicBaseUrl, pid: pairingId, s: secret, ws: workspace.name });
    return { pairingId, qrUri: `pushmfa://pair?${query.toString()}`, expiresAt: state.expiresAt };
  }
}
