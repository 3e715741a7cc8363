import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseBody } from '@pushmfa/http';
import { MetricsService } from '@pushmfa/observability';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import { ChallengeRuntime } from '../../challenge-runtime';
import { ChallengeCommands, type IssuedChallenge } from '../challenge-commands';
import { challengeView } from '../challenge-view';
import { type AnswerLatencyRecorder, answerLatencyRecorder } from './answer-latency.metric';

const statusQuery = z.object({ waitSeconds: z.coerce.number().int().min(0).max(30).default(0) });

type ChallengeView = ReturnType<typeof challengeView>;

/** The view a wake-up carried, when it is this challenge's and no longer pending; a bare wake-up carries none. */
function settledViewOf(message: string | undefined, challengeId: string): ChallengeView | undefined {
  if (message === undefined || !message.startsWith('{')) return undefined;
  try {
    const view = JSON.parse(message) as ChallengeView;
    return view.challengeId === challengeId && view.status !== 'pending' ? view : undefined;
  } catch {
    return undefined;
  }
}

@ApiTags('challenges')
@ApiBearerAuth()
@Controller('v1/challenges/:challengeId')
@UseGuards(ApiKeyGuard)
export class ReadChallengeStatusHttpController {
  private readonly recordAnswerLatency: AnswerLatencyRecorder;

  constructor(
    private readonly runtime: ChallengeRuntime,
    private readonly challenges: ChallengeCommands,
    metrics: MetricsService,
  ) {
    this.recordAnswerLatency = answerLatencyRecorder(metrics);
  }

  @Get()
  @RequireRole('platform')
  @ApiQuery({ name: 'waitSeconds', required: false, description: '0-30: answer as soon as the status leaves pending, or when the wait ends' })
  @ApiOperation({ summary: 'Challenge status, with long-poll' })
  async read(@Caller() caller: ApiKeyCaller, @Param('challengeId') challengeId: string, @Query() query: unknown) {
    const { waitSeconds } = parseBody(statusQuery, query);
    if (waitSeconds === 0) return challengeView(await this.challenges.load(challengeId, caller.workspaceId));
    // Subscribed before the first read: one read decides whether to wait, one more after the wait answers.
    let state!: IssuedChallenge;
    let waited = false;
    const message = await this.runtime.notifier.waitUntilSettled(challengeId, async () => {
      state = await this.challenges.load(challengeId, caller.workspaceId);
      const expiresInMs = Date.parse(state.expiresAt) - Date.now();
      waited = state.status === 'pending' && expiresInMs > 0;
      return waited ? Math.min(waitSeconds * 1000, expiresInMs) : 0;
    });
    if (!waited) return challengeView(state);
    // The wake-up carries the committed decision; the workspace was checked by the read above.
    const view = settledViewOf(message, challengeId) ?? challengeView(await this.challenges.load(challengeId, caller.workspaceId));
    this.recordAnswerLatency(view.status, view.resolvedAt);
    return view;
  }
}
