import type { MetricsService } from '@pushmfa/observability';
import type { PushScheduler } from './push-scheduler';

/** Counts each published push outcome; the deeper metrics (latency histograms, per-reason) come later. */
export type PushOutcomeRecorder = (provider: 'fcm' | 'apns', eventType: string) => void;

export function registerDeliveryMetrics(metrics: MetricsService, scheduler: PushScheduler): PushOutcomeRecorder {
  const outcomes = metrics.counter({
    name: 'delivery_push_outcomes_total',
    help: 'Delivery events published, by push provider and event type',
    labelNames: ['provider', 'type'],
  });
  metrics.gauge({
    name: 'delivery_pushes_pending',
    help: 'Pushes running, waiting for a free slot, or waiting for their retry delay',
    collect() {
      this.set(scheduler.pending);
    },
  });
  return (provider, eventType) => outcomes.inc({ provider, type: eventType });
}
