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
    const deadline = Date.now() + waitSeconds * 1000;
    // Subscribed before each read, so a decision between the read and the wait is never missed. The answer always
    // comes from the store: a wake-up (genuine or not) only makes it read again, and a still-pending read waits on.
    // Reads so far: more than one means the poll was waiting (woken by a notification, or polling without one).
    let reads = 0;
    for (;;) {
      let state!: IssuedChallenge;
      let waitMs = 0;
      await this.runtime.notifier.waitUntilSettled(challengeId, async () => {
        reads += 1;
        state = await this.challenges.load(challengeId, caller.workspaceId);
        const expiresInMs = Date.parse(state.expiresAt) - Date.now();
        waitMs = state.status === 'pending' && expiresInMs > 0 ? Math.min(deadline - Date.now(), expiresInMs) : 0;
        return waitMs;
      });
      if (waitMs > 0) continue;
      const view = challengeView(state);
      // Only a long-poll that was waiting when the decision came measures the answer latency.
      if (reads > 1) this.recordAnswerLatency(view.status, view.resolvedAt);
      return view;
    }
  }
}
