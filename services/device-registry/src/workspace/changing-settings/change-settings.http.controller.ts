import { Body, Controller, Patch, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { settingsSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { ChangeSettingsHandler } from './change-settings.handler';

const settingsChanges = settingsSchema.partial().strict();

@ApiTags('workspace')
@ApiBearerAuth()
@Controller('v1/workspace/settings')
@UseGuards(ApiKeyGuard)
export class ChangeSettingsHttpController {
  constructor(private readonly changeSettings: ChangeSettingsHandler) {}

  @Patch()
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Change workspace settings (admin); out-of-range values answer validation_failed naming the field',
    description:
      'numberMatching: "off" (Approve only), "always" (the user types the number the sign-in page shows), "choose" (the app offers three numbers, the user taps the one shown), "risk" (typed number matching only when a risk signal fires: a denial, fraud report or rate-limit hit for the user in 24 h, an IP address or application never approved from, the first sign-in after pairing; the MFA Report row names the signals). numberMatchingDigits applies to every style.',
  })
  change(@Caller() caller: ApiKeyCaller, @Body() body: unknown) {
    return this.changeSettings.execute({ workspaceId: caller.workspaceId, changes: parseBody(settingsChanges, body), keyId: caller.keyId });
  }
}
