import type { MetricsService } from '@pushmfa/observability';

/**
 * The report-freshness SLI: from the moment a challenge event happened (its envelope's occurredAt) to the moment its
 * effect is committed in the MFA Report and visible to the API, by event type (a fixed set). `ChallengeIssued` is
 * "issue → row visible" of docs/SLO.md.
 */
export function reportFreshnessRecorder(metrics: MetricsService): (eventType: string, occurredAt: string) => void {
  const histogram = metrics.histogram({
    name: 'reporting_projection_delay_seconds',
    help: 'Time from an event happening (envelope occurredAt) to its effect being visible in the MFA Report, by event type',
    labelNames: ['type'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  });
  // The SLO's series (issue → row visible) exists from the start, so its rate() counts the first challenge too.
  histogram.zero({ type: 'ChallengeIssued' });
  return (eventType, occurredAt) => {
    const at = Date.parse(occurredAt);
    if (Number.isFinite(at)) histogram.observe({ type: eventType }, Math.max(0, (Date.now() - at) / 1000));
  };
}
