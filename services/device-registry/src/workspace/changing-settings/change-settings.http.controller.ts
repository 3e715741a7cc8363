import { Body, Controller, Patch, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { settingsSchema } from '@pushmfa/contracts';
import { parseBody, ProblemException } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { RegistryRuntime } from '../../registry-runtime';
import { WorkspaceCommands } from '../workspace-commands';

const settingsChanges = settingsSchema.partial().strict();

@ApiTags('workspace')
@ApiBearerAuth()
@Controller('v1/workspace/settings')
@UseGuards(ApiKeyGuard)
export class ChangeSettingsHttpController {
  constructor(
    private readonly workspaces: WorkspaceCommands,
    private readonly runtime: RegistryRuntime,
  ) {}

  @Patch()
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Change workspace settings (admin); out-of-range values answer validation_failed naming the field',
    description:
      'numberMatching: "off" (Approve only), "always" (the user types the number the sign-in page shows), "choose" (the app offers three numbers, the user taps the one shown), "risk" (typed number matching only when a risk signal fires: a denial, fraud report or rate-limit hit for the user in 24 h, an IP address or application never approved from, the first sign-in after pairing; the MFA Report row names the signals). numberMatchingDigits applies to every style.',
  })
  async change(@Caller() caller: ApiKeyCaller, @Body() body: unknown) {
    const changes = parseBody(settingsChanges, body);
    const result = await this.workspaces.execute(caller.workspaceId, {
      type: 'ChangeSettings',
      changes,
      actor: { kind: 'admin', keyId: caller.keyId },
    });
    const { state } = result;
    if (state.status !== 'active') throw new ProblemException('not_found', 'no such workspace');
    await this.runtime.published(result);
    return state.settings;
  }
}
