import { Logger } from '@nestjs/common';
import type { ChallengeViews } from '../challenges/challenge-views';
import type { DeviceDirectory } from '../devices/device-directory';
import type { PushProvider } from '../providers/push-provider.port';
import type { DeliveryEventPublisher } from './delivery-event.publisher';
import { pushAttemptNumber } from './delivery-retry-policy';
import { type DispatchDecision, decideDispatch } from './dispatch-decision';
import type { PushJob } from './push-job';
import { decidePushOutcome } from './push-outcome-decision';
import type { PushScheduler } from './push-scheduler';

export type PushProvidersByName = Partial<Record<'fcm' | 'apns', PushProvider>>;

// A store that does not answer is asked again this often, this many times, before the push is given up.
const STORE_RETRY_DELAY_MS = 1000;
const MAX_STORE_FAILURES = 5;

/**
 * Carries one push from try to try: reads the current challenge view and device, asks the provider, publishes
 * the outcome and schedules the next try. Each device's push is its own job, so one device never holds up another.
 */
export class PushDispatcher {
  private readonly logger = new Logger('PushDispatcher');

  constructor(
    private readonly scheduler: PushScheduler,
    private readonly views: ChallengeViews,
    private readonly devices: DeviceDirectory,
    private readonly providers: PushProvidersByName,
    private readonly events: DeliveryEventPublisher,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Schedules the first try of a push; returns at once. */
  dispatch(job: PushJob): void {
    this.schedule(job, 0, 0);
  }

  private schedule(job: PushJob, delayMs: number, storeFailures: number): void {
    this.scheduler.schedule(() => this.runTry(job, storeFailures), delayMs);
  }

  private async runTry(job: PushJob, storeFailures: number): Promise<void> {
    let decision: DispatchDecision;
    try {
      const [view, device] = await Promise.all([
        this.views.find(job.workspaceId, job.challengeId),
        this.devices.find(job.workspaceId, job.deviceId),
      ]);
      decision = decideDispatch(view, device, job, this.clock());
    } catch (error) {
      if (storeFailures + 1 >= MAX_STORE_FAILURES) return this.logger.error(`giving up push ${describe(job)}: store unavailable`);
      this.logger.warn(`store unavailable for push ${describe(job)}; retrying: ${String(error)}`);
      return this.schedule(job, STORE_RETRY_DELAY_MS, storeFailures + 1);
    }
    const attempt = pushAttemptNumber(job.round, job.tryNumber);
    switch (decision.kind) {
      case 'skip':
        this.logger.debug(`not pushing ${describe(job)}: ${decision.reason}`);
        return;
      case 'await_device':
        return this.schedule({ ...job, deviceLookups: job.deviceLookups + 1 }, decision.retryInMs, storeFailures);
      case 'fail':
        return this.events.publish(job, job.pushProvider, attempt, { type: 'PushFailed', reason: decision.reason });
      case 'send':
        break;
    }
    const { view, device, deadlineMs } = decision;
    const provider = this.providers[device.pushProvider];
    if (!provider) {
      return this.events.publish(job, device.pushProvider, attempt, { type: 'PushFailed', reason: 'provider_not_configured' });
    }
    const message = {
      challengeId: job.challengeId,
      workspaceId: job.workspaceId,
      deviceId: job.deviceId,
      pushToken: device.pushToken,
      expiresAt: view.expiresAtMs,
      context: view.context,
      attempt,
    };
    const result = await provider.send(message, { deadlineMs });
    const outcome = decidePushOutcome(result, job.tryNumber, this.clock(), view.expiresAtMs);
    await this.events.publish(job, device.pushProvider, attempt, outcome.event);
    this.logger.log(`push ${describe(job)} attempt ${attempt}: ${result.outcome} -> ${outcome.event.type}`);
    if (outcome.retryInMs !== undefined) this.schedule({ ...job, tryNumber: job.tryNumber + 1 }, outcome.retryInMs, 0);
  }
}

function describe(job: PushJob): string {
  return `challenge ${job.challengeId} device ${job.deviceId}`;
}
