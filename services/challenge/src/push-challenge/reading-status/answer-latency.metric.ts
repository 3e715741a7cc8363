import type { MetricsService } from '@pushmfa/observability';

/** Records one long-poll answered with a decision: its status and the decision's resolvedAt. */
export type AnswerLatencyRecorder = (status: string, resolvedAt: string | undefined) => void;

// The statuses a user or the platform decides; an expiry is the clock, not an answer.
const ANSWERED = new Set(['approved', 'denied', 'cancelled']);

/**
 * The answer-latency SLI of docs/SLO.md: from the decision being committed (resolvedAt) to the platform's long-poll
 * (`GET /v1/challenges/{id}?waitSeconds=N`) answering with it, by decided status (a fixed set). Only long-polls that
 * were waiting when the decision came are observed: a read after the fact measures the platform, not us.
 */
export function answerLatencyRecorder(metrics: MetricsService): AnswerLatencyRecorder {
  const histogram = metrics.histogram({
    name: 'challenge_answer_latency_seconds',
    help: "Time from a challenge's decision being committed to a waiting long-poll answering it, by status",
    labelNames: ['status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  // Every decided status's series exists from the start, so the SLO's rate() counts the first answer too.
  for (const status of ANSWERED) histogram.zero({ status });
  return (status, resolvedAt) => {
    if (!ANSWERED.has(status) || resolvedAt === undefined) return;
    const at = Date.parse(resolvedAt);
    if (Number.isFinite(at)) histogram.observe({ status }, Math.max(0, (Date.now() - at) / 1000));
  };
}
