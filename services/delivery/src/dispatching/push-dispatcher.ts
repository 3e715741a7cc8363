import { Logger } from '@nestjs/common';
import type { PendingPushes } from '../pending/pending-pushes';
import type { ProviderCircuitBreaker } from '../providers/provider-circuit-breaker';
import type { PushProvider } from '../providers/push-provider.port';
import type { DeliveryEventPublisher } from './delivery-event.publisher';
import type { DeliveryMetrics } from './delivery-metrics';
import type { DispatchLatencyRecorder } from './push-dispatch-latency.metric';
import { pushAttemptNumber } from './delivery-retry-policy';
import { type DispatchDecision, decideDispatch } from './dispatch-decision';
import type { PushJob } from './push-job';
import { decidePushOutcome, type PushOutcomeEvent } from './push-outcome-decision';
import type { PushDeadLetters } from './push-dead-letters';
import type { PushScheduler } from './push-scheduler';
import type { PushTryReads } from './push-try-reads';

export type PushProvidersByName = Partial<Record<'fcm' | 'apns', PushProvider>>;
export type CircuitBreakersByName = Partial<Record<'fcm' | 'apns', ProviderCircuitBreaker>>;

/** What the dispatcher needs beyond the scheduler and the stores. */
export interface PushDispatcherParts {
  providers: PushProvidersByName;
  breakers: CircuitBreakersByName;
  events: DeliveryEventPublisher;
  deadLetters: PushDeadLetters;
  metrics: DeliveryMetrics;
  pending: PendingPushes;
  /** The dispatch latency SLI (push-dispatch-latency.metric.ts). */
  recordDispatchLatency?: DispatchLatencyRecorder;
  clock?: () => number;
}

// A store that does not answer is asked again this often, this many times, before the push is given up.
const STORE_RETRY_DELAY_MS = 1000;
const MAX_STORE_FAILURES = 5;

/**
 * Carries one push from try to try: reads the current challenge view and device, asks the provider, publishes
 * the outcome and schedules the next try. Each device's push is its own job, so one device never holds up another.
 */
export class PushDispatcher {
  private readonly logger = new Logger('PushDispatcher');

  private readonly providers: PushProvidersByName;
  private readonly events: DeliveryEventPublisher;
  private readonly clock: () => number;

  constructor(
    private readonly scheduler: PushScheduler,
    private readonly reads: PushTryReads,
    private readonly parts: PushDispatcherParts,
  ) {
    this.providers = parts.providers;
    this.events = parts.events;
    this.clock = parts.clock ?? Date.now;
  }

  /** Schedules the first try of a push whose pending row this worker just wrote; returns at once. */
  dispatch(job: PushJob): void {
    this.resume(job);
  }

  /** Schedules a push from the try its pending row records (a takeover from a worker that died). */
  resume(job: PushJob): void {
    this.parts.pending.hold(job);
    this.schedule(job, 0, 0);
  }

  private schedule(job: PushJob, delayMs: number, storeFailures: number): void {
    this.scheduler.schedule(async () => {
      try {
        await this.runTry(job, storeFailures);
      } catch (error) {
        // The push stays pending: give its lease back so a sweep (here or on another worker) runs it again.
        this.logger.error(`push ${describe(job)} failed unexpectedly; released for another try: ${String(error)}`);
        await this.parts.pending.release(job).catch(() => undefined);
      }
    }, delayMs);
  }

  /** Publishes a final outcome, then forgets the pending push (a crash in between re-sends it: at least once). */
  private async finish(job: PushJob, provider: 'fcm' | 'apns', attempt: number, event: PushOutcomeEvent): Promise<void> {
    await this.events.publish(job, provider, attempt, event);
    await this.parts.pending.remove(job);
  }

  private async runTry(job: PushJob, storeFailures: number): Promise<void> {
    let decision: DispatchDecision;
    try {
      const [view, device] = await this.reads.find(job);
      decision = decideDispatch(view, device, job, this.clock());
    } catch (error) {
      if (storeFailures + 1 >= MAX_STORE_FAILURES) {
        this.logger.error(`store unavailable for push ${describe(job)}; released for a later sweep`);
        return this.parts.pending.release(job);
      }
      this.logger.warn(`store unavailable for push ${describe(job)}; retrying: ${String(error)}`);
      return this.schedule(job, STORE_RETRY_DELAY_MS, storeFailures + 1);
    }
    const attempt = pushAttemptNumber(job.round, job.tryNumber);
    switch (decision.kind) {
      case 'skip':
        this.logger.debug(`not pushing ${describe(job)}: ${decision.reason}`);
        return this.parts.pending.remove(job);
      case 'await_device':
        return this.schedule({ ...job, deviceLookups: job.deviceLookups + 1 }, decision.retryInMs, storeFailures);
      case 'fail':
        return this.finish(job, job.pushProvider, attempt, { type: 'PushFailed', reason: decision.reason });
      case 'send':
        break;
    }
    const { view, device, deadlineMs } = decision;
    const provider = this.providers[device.pushProvider];
    if (!provider) {
      return this.finish(job, device.pushProvider, attempt, { type: 'PushFailed', reason: 'provider_not_configured' });
    }
    const message = {
      challengeId: job.challengeId,
      workspaceId: job.workspaceId,
      deviceId: job.deviceId,
      pushToken: device.pushToken,
      expiresAt: view.expiresAtMs,
      context: view.context,
      ...(view.numberChoices ? { numberChoices: view.numberChoices } : {}),
      attempt,
    };
    const breaker = this.parts.breakers[provider.name];
    if (breaker && !breaker.tryAcquire()) {
      this.parts.metrics.countRefusedCall(provider.name);
      return this.finish(job, provider.name, attempt, { type: 'PushFailed', reason: 'provider_unavailable' });
    }
    const startedAtMs = this.clock();
    const result = await provider.send(message, { deadlineMs });
    this.parts.metrics.observeAttempt(provider.name, result.outcome, (this.clock() - startedAtMs) / 1000);
    breaker?.record(result.outcome, 'reason' in result ? result.reason : '');
    if (result.outcome === 'accepted' && job.requestedAtMs !== undefined) {
      this.parts.recordDispatchLatency?.(provider.name, (this.clock() - job.requestedAtMs) / 1000);
    }
    const outcome = decidePushOutcome(
      result,
      { provider: provider.name, tryNumber: job.tryNumber, rateLimitRetried: job.rateLimitRetried ?? false },
      this.clock(),
      view.expiresAtMs,
    );
    this.logger.log(`push ${describe(job)} attempt ${attempt}: ${result.outcome} -> ${outcome.event.type}`);
    if (outcome.deadLetter) await this.deadLetter(job, provider.name, 'reason' in outcome.event ? outcome.event.reason : result.outcome);
    if (outcome.retryInMs === undefined) return this.finish(job, provider.name, attempt, outcome.event);
    await this.events.publish(job, provider.name, attempt, outcome.event);
    const rateLimitRetried = (job.rateLimitRetried ?? false) || result.outcome === 'rate_limited';
    const next = { ...job, tryNumber: job.tryNumber + 1, rateLimitRetried };
    await this.parts.pending.update(next);
    this.parts.pending.hold(next);
    this.schedule(next, outcome.retryInMs, 0);
  }

  /** Our mistake: an error metric, an error log, and a copy of the push for an engineer to look at. */
  private async deadLetter(job: PushJob, provider: 'fcm' | 'apns', reason: string): Promise<void> {
    this.parts.metrics.countDeadLettered(provider);
    this.logger.error(`provider ${provider} refused push ${describe(job)} as malformed (${reason}); dead-lettered`);
    await this.parts.deadLetters.send(job, provider, reason);
  }
}

function describe(job: PushJob): string {
  return `challenge ${job.challengeId} device ${job.deviceId}`;
}
