import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { OFFLINE_CODE_LOCK_THRESHOLD } from '../push-challenge.decider';
import { ApproveWithOfflineCodeHandler } from './approve-with-offline-code.handler';

const offlineCodeBody = z.object({ code: z.string().regex(/^\d{6}$/, 'must be the 6 digits the app shows') }).strict();

@ApiTags('challenges')
@ApiBearerAuth()
@Controller('v1/challenges/:challengeId/offline-code')
@UseGuards(ApiKeyGuard)
export class ApproveWithOfflineCodeHttpController {
  constructor(private readonly approveWithOfflineCode: ApproveWithOfflineCodeHandler) {}

  @Post()
  @HttpCode(200)
  @RequireRole('platform')
  @ApiOperation({
    summary: `When no push arrives: approve the pending challenge with the 6-digit code the user reads from the app (body {code}). It approves when it is the current code (±30 s) of one of the user's active devices, once: a code used before answers offline_code_replayed and approves nothing. A wrong code answers invalid_offline_code and leaves the challenge pending; the ${OFFLINE_CODE_LOCK_THRESHOLD}th wrong code in a row locks push for the user (push_locked afterwards) and cancels the challenge. offline_codes_disabled when the workspace's offlineCodesEnabled is false. Answers {challengeId, status: "approved", method: "offline_code", deviceId}`,
  })
  @ApiResponse({ status: 200, description: '{challengeId, status: "approved", method: "offline_code", deviceId}' })
  @ApiResponse({ status: 403, description: 'offline_codes_disabled' })
  @ApiResponse({ status: 409, description: 'offline_code_replayed, challenge_not_pending' })
  @ApiResponse({ status: 422, description: 'invalid_offline_code' })
  @ApiResponse({ status: 423, description: 'push_locked' })
  approve(@Caller() caller: ApiKeyCaller, @Param('challengeId') challengeId: string, @Body() body: unknown) {
    const { code } = parseBody(offlineCodeBody, body);
    return this.approveWithOfflineCode.execute({ workspaceId: caller.workspaceId, challengeId, code });
  }
}
