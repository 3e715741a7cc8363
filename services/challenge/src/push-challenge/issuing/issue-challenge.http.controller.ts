import { Body, Controller, Headers, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { challengeContextSchema, userIdSchema } from '@pushmfa/contracts';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { IssueChallengeHandler } from './issue-challenge.handler';
import { IssuingOverloadGuard } from './issuing-overload.guard';

const issueBody = z
  .object({ userId: userIdSchema, context: challengeContextSchema.strict().optional(), factor: z.enum(['first', 'second']).optional() })
  .strict();
const issueHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional(),
});

@ApiTags('challenges')
@ApiBearerAuth()
@Controller('v1/challenges')
// IssuingOverloadGuard first: an overloaded service refuses before it authenticates (see the guard).
@UseGuards(IssuingOverloadGuard, ApiKeyGuard)
export class IssueChallengeHttpController {
  constructor(private readonly issuer: IssueChallengeHandler) {}

  @Post()
  @HttpCode(201)
  @RequireRole('platform')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'the same key with the same body returns the first answer for 24 hours' })
  @ApiOperation({
    summary:
      "Push an approval request to every active device of the user; numberMatch is for the sign-in page only, present as the user's pool (else the workspace) says: numberMatching always or choose (the app offers three numbers, this one among them), risk (only when a risk signal fires: a denial, fraud report or rate-limit hit in 24 h, a new IP address or application, the first sign-in after pairing), off; passwordless (factor first) always. The user's oldest pending requests beyond the workspace's maxPendingPerUser (default 1) are cancelled as superseded (ChallengeCancelled reason superseded, supersededBy this one)",
  })
  async issue(@Caller() caller: ApiKeyCaller, @Body() body: unknown, @Headers() headers: Record<string, unknown>) {
    const { userId, context, factor } = parseBody(issueBody, body);
    const { 'idempotency-key': idempotencyKey } = parseBody(issueHeaders, { 'idempotency-key': headers['idempotency-key'] });
    return this.issuer.execute({
      workspaceId: caller.workspaceId,
      userId,
      ...(context ? { context } : {}),
      ...(factor ? { factor } : {}),
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    });
  }
}
