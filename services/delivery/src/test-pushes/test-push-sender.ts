import { Logger } from '@nestjs/common';
import type { DeviceDirectory } from '../devices/device-directory';
import type { DeliveryEventPublisher } from '../dispatching/delivery-event.publisher';
import type { DeliveryMetrics } from '../dispatching/delivery-metrics';
import { DEVICE_LOOKUP_INTERVAL_MS, MAX_DEVICE_LOOKUPS, sendDeadlineMs } from '../dispatching/delivery-retry-policy';
import type { CircuitBreakersByName, PushProvidersByName } from '../dispatching/push-dispatcher';
import { decidePushOutcome, type PushOutcomeEvent } from '../dispatching/push-outcome-decision';
import type { PushScheduler } from '../dispatching/push-scheduler';
import type { TestPushJob } from './test-push-job';

/**
 * Sends an admin's test push through the same providers, circuit breakers, outcome decision and retry policy as a
 * challenge's push, and publishes each outcome with the delivery event types, naming the test push. A test push has
 * no pending row: one lost to a worker that died stays "requested" in the report, and the admin sends another.
 */
export class TestPushSender {
  private readonly logger = new Logger('TestPushSender');

  constructor(
    private readonly scheduler: PushScheduler,
    private readonly devices: DeviceDirectory,
    private readonly providers: PushProvidersByName,
    private readonly breakers: CircuitBreakersByName,
    private readonly events: DeliveryEventPublisher,
    private readonly metrics: DeliveryMetrics,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Schedules the first try; returns at once. */
  send(job: TestPushJob): void {
    this.schedule(job, 0);
  }

  private schedule(job: TestPushJob, delayMs: number): void {
    this.scheduler.schedule(async () => {
      try {
        await this.runTry(job);
      } catch (error) {
        this.logger.error(`test push ${job.testPushId} to device ${job.deviceId} failed unexpectedly: ${String(error)}`);
      }
    }, delayMs);
  }

  private async runTry(job: TestPushJob): Promise<void> {
    const nowMs = this.clock();
    if (nowMs >= job.expiresAtMs) return this.logger.warn(`test push ${job.testPushId} expired before it could be sent`);
    const device = await this.devices.find(job.workspaceId, job.deviceId);
    if (!device) {
      if (job.deviceLookups < MAX_DEVICE_LOOKUPS) return this.schedule({ ...job, deviceLookups: job.deviceLookups + 1 }, DEVICE_LOOKUP_INTERVAL_MS);
      return this.logger.warn(`test push ${job.testPushId}: device ${job.deviceId} is unknown to delivery; not sent`);
    }
    const attempt = job.tryNumber;
    if (device.revoked) return this.publish(job, device.pushProvider, attempt, { type: 'PushFailed', reason: 'device_revoked' });
    if (!device.tokenValid) return this.publish(job, device.pushProvider, attempt, { type: 'PushFailed', reason: 'push_token_invalid' });
    const provider = this.providers[device.pushProvider];
    if (!provider) return this.publish(job, device.pushProvider, attempt, { type: 'PushFailed', reason: 'provider_not_configured' });
    const breaker = this.breakers[provider.name];
    if (breaker && !breaker.tryAcquire()) {
      this.metrics.countRefusedCall(provider.name);
      return this.publish(job, provider.name, attempt, { type: 'PushFailed', reason: 'provider_unavailable' });
    }
    const message = {
      testPushId: job.testPushId,
      workspaceId: job.workspaceId,
      deviceId: job.deviceId,
      pushToken: device.pushToken,
      expiresAt: job.expiresAtMs,
      attempt,
    };
    const startedAtMs = this.clock();
    const result = await provider.send(message, { deadlineMs: sendDeadlineMs(startedAtMs, job.expiresAtMs) });
    this.metrics.observeAttempt(provider.name, result.outcome, (this.clock() - startedAtMs) / 1000);
    breaker?.record(result.outcome, 'reason' in result ? result.reason : '');
    const state = { provider: provider.name, tryNumber: job.tryNumber, rateLimitRetried: job.rateLimitRetried ?? false };
    const outcome = decidePushOutcome(result, state, this.clock(), job.expiresAtMs);
    this.logger.log(`test push ${job.testPushId} to device ${job.deviceId} attempt ${attempt}: ${result.outcome} -> ${outcome.event.type}`);
    await this.publish(job, provider.name, attempt, outcome.event);
    if (outcome.retryInMs === undefined) return;
    const rateLimitRetried = (job.rateLimitRetried ?? false) || result.outcome === 'rate_limited';
    this.schedule({ ...job, tryNumber: job.tryNumber + 1, rateLimitRetried }, outcome.retryInMs);
  }

  private publish(job: TestPushJob, provider: 'fcm' | 'apns', attempt: number, event: PushOutcomeEvent): Promise<void> {
    return this.events.publishTestPush(job, provider, attempt, event);
  }
}
