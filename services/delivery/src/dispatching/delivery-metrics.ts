import type { MetricsService } from '@pushmfa/observability';
import { CIRCUIT_STATE_VALUE, type ProviderCircuitBreaker } from '../providers/provider-circuit-breaker';
import type { PushScheduler } from './push-scheduler';

type ProviderName = 'fcm' | 'apns';

/** Counts each published push outcome (kept as its own function: the event publisher only needs this). */
export type PushOutcomeRecorder = (provider: ProviderName, eventType: string) => void;

/** Delivery's own metrics; the consumer lag gauge lives with its sampler (consuming/consumer-lag.sampler.ts). */
export class DeliveryMetrics {
  readonly recordOutcome: PushOutcomeRecorder;
  private readonly attempts;
  private readonly attemptSeconds;
  private readonly deadLettered;

  constructor(metrics: MetricsService, scheduler: PushScheduler, breakers: ProviderCircuitBreaker[]) {
    const outcomes = metrics.counter({
      name: 'delivery_push_outcomes_total',
      help: 'Delivery events published, by push provider and event type',
      labelNames: ['provider', 'type'],
    });
    this.recordOutcome = (provider, eventType) => outcomes.inc({ provider, type: eventType });
    this.attempts = metrics.counter({
      name: 'delivery_push_attempts_total',
      help: 'Provider calls by provider and classified answer (accepted, dead_token, transient, rate_limited, rejected, auth_error, timeout, provider_unavailable)',
      labelNames: ['provider', 'outcome'],
    });
    this.attemptSeconds = metrics.histogram({
      name: 'delivery_push_attempt_duration_seconds',
      help: 'Time of one provider call, by provider and classified answer',
      labelNames: ['provider', 'outcome'],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    this.deadLettered = metrics.counter({
      name: 'delivery_push_dead_lettered_total',
      help: 'Pushes the provider refused as malformed (our mistake), copied to pushmfa.delivery.v1.dlq',
      labelNames: ['provider'],
    });
    metrics.gauge({
      name: 'delivery_provider_circuit_state',
      help: 'Provider circuit breaker: 0 closed, 1 half-open (one probe call), 2 open (provider not called)',
      labelNames: ['provider'],
      collect() {
        for (const breaker of breakers) this.set({ provider: breaker.provider }, CIRCUIT_STATE_VALUE[breaker.state]);
      },
    });
    metrics.gauge({
      name: 'delivery_pushes_in_flight',
      help: 'Provider calls (and their outcome publishing) running now',
      collect() {
        this.set(scheduler.running);
      },
    });
    metrics.gauge({
      name: 'delivery_pushes_pending',
      help: 'Pushes running, waiting for a free slot, or waiting for their retry delay',
      collect() {
        this.set(scheduler.pending);
      },
    });
  }

  observeAttempt(provider: ProviderName, outcome: string, seconds: number): void {
    this.attempts.inc({ provider, outcome });
    this.attemptSeconds.observe({ provider, outcome }, seconds);
  }

  countRefusedCall(provider: ProviderName): void {
    this.attempts.inc({ provider, outcome: 'provider_unavailable' });
  }

  countDeadLettered(provider: ProviderName): void {
    this.deadLettered.inc({ provider });
  }
}
