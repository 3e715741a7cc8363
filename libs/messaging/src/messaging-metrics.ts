import type { MetricsService } from '@pushmfa/observability';

/**
 * Counts records a contract consumer copied to a dead-letter topic, by source topic and consumer group (both fixed
 * by the deployment, so the label set stays bounded; the reason is in the record's `dlq-reason` header and the log).
 * Every subscribed topic starts at 0, so `increase()` sees the first dead letter.
 */
export function deadLetterCounter(metrics: MetricsService, groupId: string, topics: readonly string[]) {
  const counter = metrics.counter({
    name: 'messaging_dead_lettered_total',
    help: "Records a consumer could not use and copied to the topic's .dlq topic, by source topic and consumer group",
    labelNames: ['topic', 'group'],
  });
  for (const topic of topics) counter.inc({ topic, group: groupId }, 0);
  return (topic: string) => counter.inc({ topic, group: groupId });
}

/** What the relay reports about itself; see `relayMetrics`. */
export interface RelayProgress {
  /** When the oldest event of the batch being published was committed; undefined while nothing waits. */
  readonly oldestUnpublishedAtMs: number | undefined;
}

/**
 * The outbox relay's lag: `messaging_relay_oldest_unpublished_age_seconds` (how long the oldest committed event not
 * yet acknowledged by the broker has waited; 0 when caught up), `messaging_relay_published_total` and
 * `messaging_relay_publish_delay_seconds` (commit to broker acknowledgement, per event).
 */
export function relayMetrics(metrics: MetricsService, progress: RelayProgress) {
  metrics.gauge({
    name: 'messaging_relay_oldest_unpublished_age_seconds',
    help: 'Age of the oldest committed event the outbox relay has not yet had acknowledged by Kafka (0 when caught up)',
    collect() {
      const since = progress.oldestUnpublishedAtMs;
      this.set(since === undefined ? 0 : Math.max(0, (Date.now() - since) / 1000));
    },
  });
  const published = metrics.counter({
    name: 'messaging_relay_published_total',
    help: 'Events the outbox relay published to Kafka (acknowledged by the broker)',
  });
  const delay = metrics.histogram({
    name: 'messaging_relay_publish_delay_seconds',
    help: "Time from an event's commit in the event store to the broker acknowledging it",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  });
  return (recordedAtMs: readonly number[]) => {
    const now = Date.now();
    published.inc(recordedAtMs.length);
    for (const at of recordedAtMs) delay.observe(Math.max(0, (now - at) / 1000));
  };
}
