import { MetricsService } from '@pushmfa/observability';
import { deadLetterCounter, relayMetrics } from './messaging-metrics';

function sampleOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

describe('messaging metrics', () => {
  it('start every subscribed topic at 0 dead letters, so the first one is an increase', async () => {
    const metrics = new MetricsService('reporting');
    const count = deadLetterCounter(metrics, 'reporting.mfa-report', ['pushmfa.challenge.v1', 'pushmfa.delivery.v1']);
    let text = await metrics.render();
    expect(sampleOf(text, 'messaging_dead_lettered_total{topic="pushmfa.challenge.v1",group="reporting.mfa-report",service="reporting"}')).toBe(0);
    count('pushmfa.challenge.v1');
    text = await metrics.render();
    expect(sampleOf(text, 'messaging_dead_lettered_total{topic="pushmfa.challenge.v1",group="reporting.mfa-report",service="reporting"}')).toBe(1);
    expect(sampleOf(text, 'messaging_dead_lettered_total{topic="pushmfa.delivery.v1",group="reporting.mfa-report",service="reporting"}')).toBe(0);
  });

  it("show the relay's oldest unpublished event's age while it waits, 0 once caught up, and count what it published", async () => {
    const metrics = new MetricsService('challenge');
    const progress: { oldestUnpublishedAtMs: number | undefined } = { oldestUnpublishedAtMs: Date.now() - 40_000 };
    const published = relayMetrics(metrics, progress);
    let text = await metrics.render();
    expect(sampleOf(text, 'messaging_relay_oldest_unpublished_age_seconds{service="challenge"}')).toBeGreaterThanOrEqual(40);

    progress.oldestUnpublishedAtMs = undefined;
    published([Date.now() - 40_000, Date.now()]);
    text = await metrics.render();
    expect(sampleOf(text, 'messaging_relay_oldest_unpublished_age_seconds{service="challenge"}')).toBe(0);
    expect(sampleOf(text, 'messaging_relay_published_total{service="challenge"}')).toBe(2);
    expect(sampleOf(text, 'messaging_relay_publish_delay_seconds_count{service="challenge"}')).toBe(2);
    expect(sampleOf(text, 'messaging_relay_publish_delay_seconds_bucket{le="30",service="challenge"}')).toBe(1);
  });
});
