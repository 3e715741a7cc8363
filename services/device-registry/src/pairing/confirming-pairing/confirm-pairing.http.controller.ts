import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseBody, ProblemException } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { RegistryRuntime } from '../../registry-runtime';
import { WorkspaceCommands } from '../../workspace/workspace-commands';
import { MAX_WRONG_CODES } from '../pairing.decider';
import { PairingCommands, pairingDigest } from '../pairing-commands';
import { ReplacedDeviceRevoker } from './replaced-device-revoker';

const confirmBody = z.object({ code: z.string().regex(/^\d{6}$/, 'must be the 6-digit code the app shows') }).strict();

@ApiTags('pairings')
@ApiBearerAuth()
@Controller('v1/pairings/:pairingId/confirm')
@UseGuards(ApiKeyGuard)
export class ConfirmPairingHttpController {
  constructor(
    private readonly pairings: PairingCommands,
    private readonly workspaces: WorkspaceCommands,
    private readonly replaced: ReplacedDeviceRevoker,
    private readonly runtime: RegistryRuntime,
  ) {}

  @Post()
  @HttpCode(200)
  @RequireRole('platform')
  @ApiOperation({ summary: 'The platform submits the code the user typed; 5 wrong codes fail the pairing; at most maxDevicesPerUser active devices' })
  async confirm(@Caller() caller: ApiKeyCaller, @Param('pairingId') pairingId: string, @Body() body: unknown) {
    const { code } = parseBody(confirmBody, body);
    const pairing = await this.pairings.load(pairingId, caller.workspaceId);
    const workspace = await this.workspaces.load(caller.workspaceId);
    if (workspace.status !== 'active') throw new ProblemException('not_found', 'no such workspace');
    const directory = this.runtime.devices;
    const confirmed = await directory.whileHoldingUserLock(caller.workspaceId, pairing.userId, async () => {
      const command = {
        type: 'ConfirmPairing' as const,
        codeHash: pairingDigest(pairingId, code),
        now: new Date(),
        activeDeviceIds: await directory.activeDeviceIds(caller.workspaceId, pairing.userId),
        maxDevicesPerUser: workspace.settings.maxDevicesPerUser,
      };
      // The device's row is written with its DevicePaired, in one transaction (PairingCommands' inline projection).
      return this.pairings.execute(pairingId, caller.workspaceId, command);
    });
    const { state, newEvents } = confirmed;
    if (newEvents.some((e) => e.type === 'PairingFailed'))
      throw new ProblemException('pairing_failed', `${MAX_WRONG_CODES} wrong codes: this pairing has failed`);
    if (newEvents.some((e) => e.type === 'ConfirmationCodeRejected')) throw new ProblemException('invalid_confirmation_code', 'the confirmation code is wrong');
    if (state.status !== 'confirmed') throw new ProblemException('pairing_failed', 'the pairing could not be confirmed');
    const paired = newEvents.find((e) => e.type === 'DevicePaired');
    if (paired?.type === 'DevicePaired' && paired.data.replacedDeviceId) {
      await this.replaced.revoke(caller.workspaceId, pairing.userId, paired.data.replacedDeviceId, { kind: caller.role, keyId: caller.keyId });
    }
    // The challenge service learns of the device (and that it replaces another) from this one event.
    await this.runtime.published(confirmed);
    return { deviceId: state.device.deviceId, status: 'active' };
  }
}
