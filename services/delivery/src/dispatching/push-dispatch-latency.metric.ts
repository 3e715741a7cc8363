import type { MetricsService } from '@pushmfa/observability';

/** Records one accepted push: seconds from the event that asked for it to the provider accepting it. */
export type DispatchLatencyRecorder = (provider: 'fcm' | 'apns', seconds: number) => void;

/**
 * The push-dispatch SLI of docs/SLO.md: from the challenge event that asked for the push (ChallengeIssued or
 * ChallengeResendRequested, its envelope's occurredAt) to the provider accepting it, retries included. Only
 * accepted pushes are observed; the ones that never are show in `delivery_push_outcomes_total`.
 */
export function dispatchLatencyRecorder(metrics: MetricsService): DispatchLatencyRecorder {
  const histogram = metrics.histogram({
    name: 'delivery_push_dispatch_latency_seconds',
    help: 'Time from the challenge event asking for a push to the provider accepting it (retries included), by provider',
    labelNames: ['provider'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60],
  });
  // Both series exist from the start, so the SLO's rate() counts the first push after a restart too.
  for (const provider of ['fcm', 'apns'] as const) histogram.zero({ provider });
  return (provider, seconds) => histogram.observe({ provider }, Math.max(0, seconds));
}
