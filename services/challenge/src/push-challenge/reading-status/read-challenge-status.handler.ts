import { Injectable } from '@nestjs/common';
import { MetricsService } from '@pushmfa/observability';
import { ChallengeStatusNotifier } from '../../status-notifications/challenge-status-notifier';
import { ChallengeCommands, type IssuedChallenge } from '../challenge-commands';
import { challengeView } from '../challenge-view';
import { type AnswerLatencyRecorder, answerLatencyRecorder } from './answer-latency.metric';

/**
 * The platform reads a challenge's status, waiting up to `waitSeconds` (a long-poll) for it to leave pending. The
 * answer comes from the store, or from this instance's own command that just committed the decision (handed over by
 * the notifier, so the answer costs no second read): a wake-up on Redis (genuine or not) only makes it read again,
 * and a still-pending read waits on. Raises `not_found`.
 */
@Injectable()
export class ReadChallengeStatusHandler {
  private readonly recordAnswerLatency: AnswerLatencyRecorder;

  constructor(
    private readonly notifier: ChallengeStatusNotifier,
    private readonly challenges: ChallengeCommands,
    metrics: MetricsService,
  ) {
    this.recordAnswerLatency = answerLatencyRecorder(metrics);
  }

  async execute(query: { workspaceId: string; challengeId: string; waitSeconds: number }) {
    const { workspaceId, challengeId, waitSeconds } = query;
    if (waitSeconds === 0) return challengeView(await this.challenges.load(challengeId, workspaceId));
    const deadline = Date.now() + waitSeconds * 1000;
    // Subscribed before each read, so a decision between the read and the wait is never missed.
    // Reads so far: more than one means the poll was waiting (woken by a notification, or polling without one).
    let reads = 0;
    let handed: IssuedChallenge | undefined;
    for (;;) {
      let state!: IssuedChallenge;
      let waitMs = 0;
      const decided = await this.notifier.waitUntilSettled(challengeId, async () => {
        reads += 1;
        state = handed ?? (await this.challenges.load(challengeId, workspaceId));
        handed = undefined;
        const expiresInMs = Date.parse(state.expiresAt) - Date.now();
        waitMs = state.status === 'pending' && expiresInMs > 0 ? Math.min(deadline - Date.now(), expiresInMs) : 0;
        return waitMs;
      });
      // Handed over by this instance's command about this challenge (its workspace checked again all the same).
      if (decided && (decided as IssuedChallenge).workspaceId === workspaceId) handed = decided as IssuedChallenge;
      if (waitMs > 0) continue;
      const view = challengeView(state);
      // Only a long-poll that was waiting when the decision came measures the answer latency.
      if (reads > 1) this.recordAnswerLatency(view.status, view.resolvedAt);
      return view;
    }
  }
}
