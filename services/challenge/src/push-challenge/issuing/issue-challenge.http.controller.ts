import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { challengeContextSchema, userIdSchema } from '@pushmfa/contracts';
import { parseBody, ProblemException } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { ChallengeRuntime } from '../../challenge-runtime';
import { ChallengeCommands } from '../challenge-commands';

const issueBody = z.object({ userId: userIdSchema, context: challengeContextSchema.strict().optional() }).strict();

@ApiTags('challenges')
@ApiBearerAuth()
@Controller('v1/challenges')
@UseGuards(ApiKeyGuard)
export class IssueChallengeHttpController {
  constructor(
    private readonly runtime: ChallengeRuntime,
    private readonly challenges: ChallengeCommands,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireRole('platform')
  @ApiOperation({ summary: "Push an approval request to every active device of the user; numberMatch is for the sign-in page only" })
  async issue(@Caller() caller: ApiKeyCaller, @Body() body: unknown) {
    const { userId, context } = parseBody(issueBody, body);
    // A workspace whose events have not arrived yet has the defaults: push disabled.
    const settings = await this.runtime.registry.settings(caller.workspaceId);
    if (!settings?.pushEnabled) throw new ProblemException('push_disabled', 'an admin must enable push for this workspace');
    const devices = await this.runtime.registry.activeDevices(caller.workspaceId, userId);
    if (devices.length === 0) throw new ProblemException('no_active_device', 'the user has no active device: fall back to password sign-in');
    const challengeId = randomUUID();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + settings.challengeTtlSeconds * 1000).toISOString();
    const numberMatch =
      settings.numberMatching === 'always' ? String(randomInt(0, 10 ** settings.numberMatchingDigits)).padStart(settings.numberMatchingDigits, '0') : undefined;
    await this.challenges.execute(challengeId, caller.workspaceId, {
      type: 'IssueChallenge',
      issued: { challengeId, workspaceId: caller.workspaceId, userId, createdAt: now.toISOString(), expiresAt, context: context ?? {}, devices, ...(numberMatch ? { numberMatch } : {}) },
    });
    return { challengeId, status: 'pending', expiresAt, ...(numberMatch ? { numberMatch } : {}) };
  }
}
