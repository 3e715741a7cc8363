import { randomUUID } from 'node:crypto';
import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { userIdSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { RegistryRuntime } from '../../registry-runtime';
import { DeviceCommands } from '../device-commands';

export class TestPushAcceptedDto {
  @ApiProperty({ description: 'Names the test push in the MFA Report (GET /v1/reports/test-pushes/{testPushId}) and in its receipt' })
  testPushId!: string;

  @ApiProperty({ format: 'date-time' })
  requestedAt!: string;
}

@ApiTags('devices')
@ApiBearerAuth()
@Controller('v1/users/:userId/devices/:deviceId/test-push')
@UseGuards(ApiKeyGuard)
export class SendTestPushHttpController {
  constructor(
    private readonly devices: DeviceCommands,
    private readonly runtime: RegistryRuntime,
  ) {}

  @Post()
  @HttpCode(202)
  @RequireRole('admin')
  @ApiOperation({
    summary:
      'Send a test notification to one device (admin): it is not a challenge and approves nothing. The MFA Report shows whether it was delivered and received. ' +
      'Refused with device_revoked (409) for a revoked device, push_token_invalid (409) when the provider rejected its token, rate_limited (429) within 10 seconds of the last one',
  })
  @ApiAcceptedResponse({ type: TestPushAcceptedDto })
  async send(@Caller() caller: ApiKeyCaller, @Param('userId') rawUserId: string, @Param('deviceId') deviceId: string): Promise<TestPushAcceptedDto> {
    const userId = parseBody(userIdSchema, rawUserId);
    const device = await this.devices.find(deviceId, caller.workspaceId, userId);
    const testPushId = randomUUID();
    const now = new Date();
    const requestedBy = { kind: caller.role, keyId: caller.keyId };
    // A refusal within 10 s of the last test push is a domain error with its Retry-After (the one problem mapping).
    const result = await this.devices.execute(device, { type: 'RequestTestPush', testPushId, requestedBy, now });
    // Delivery sends it once it reads the registry topic: answered after the relay published it.
    await this.runtime.published(result);
    return { testPushId, requestedAt: now.toISOString() };
  }
}
