import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { userIdSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { SendTestPushHandler } from './send-test-push.handler';

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
  constructor(private readonly sendTestPush: SendTestPushHandler) {}

  @Post()
  @HttpCode(202)
  @RequireRole('admin')
  @ApiOperation({
    summary:
      'Send a test notification to one device (admin): it is not a challenge and approves nothing. The MFA Report shows whether it was delivered and received. ' +
      'Refused with device_revoked (409) for a revoked device, push_token_invalid (409) when the provider rejected its token, rate_limited (429) within 10 seconds of the last one',
  })
  @ApiAcceptedResponse({ type: TestPushAcceptedDto })
  send(@Caller() caller: ApiKeyCaller, @Param('userId') rawUserId: string, @Param('deviceId') deviceId: string): Promise<TestPushAcceptedDto> {
    const userId = parseBody(userIdSchema, rawUserId);
    return this.sendTestPush.execute({ workspaceId: caller.workspaceId, userId, deviceId, requestedBy: { kind: caller.role, keyId: caller.keyId } });
  }
}
