import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { ReadChallengeStatusHandler } from './read-challenge-status.handler';

const statusQuery = z.object({ waitSeconds: z.coerce.number().int().min(0).max(30).default(0) });

@ApiTags('challenges')
@ApiBearerAuth()
@Controller('v1/challenges/:challengeId')
@UseGuards(ApiKeyGuard)
export class ReadChallengeStatusHttpController {
  constructor(private readonly readChallengeStatus: ReadChallengeStatusHandler) {}

  @Get()
  @RequireRole('platform')
  @ApiQuery({ name: 'waitSeconds', required: false, description: '0-30: answer as soon as the status leaves pending, or when the wait ends' })
  @ApiOperation({ summary: 'Challenge status, with long-poll' })
  read(@Caller() caller: ApiKeyCaller, @Param('challengeId') challengeId: string, @Query() query: unknown) {
    const { waitSeconds } = parseBody(statusQuery, query);
    return this.readChallengeStatus.execute({ workspaceId: caller.workspaceId, challengeId, waitSeconds });
  }
}
