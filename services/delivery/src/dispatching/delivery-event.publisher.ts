import { topicName } from '@pushmfa/contracts';
import type { KafkaEventPublisher } from '@pushmfa/messaging';
import { pushEventId } from './push-event-id';
import type { PushOutcomeRecorder } from './delivery-metrics';
import type { PushJob } from './push-job';
import type { PushOutcomeEvent } from './push-outcome-decision';
import type { TestPushJob } from '../test-pushes/test-push-job';

/** Publishes a push's outcome to `pushmfa.delivery.v1`, keyed by challenge id (or test push id) so one push's events stay in order. */
export class DeliveryEventPublisher {
  private readonly topic: string;

  constructor(
    private readonly publisher: KafkaEventPublisher,
    topicPrefix: string,
    private readonly recordOutcome: PushOutcomeRecorder = () => undefined,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.topic = topicName('delivery', topicPrefix);
  }

  async publish(job: PushJob, provider: 'fcm' | 'apns', attempt: number, event: PushOutcomeEvent): Promise<void> {
    await this.send(job, { challengeId: job.challengeId }, job.challengeId, provider, attempt, event);
  }

  /** A test push's outcome: the same events, naming the test push instead of a challenge and keyed by it. */
  async publishTestPush(push: TestPushJob, provider: 'fcm' | 'apns', attempt: number, event: PushOutcomeEvent): Promise<void> {
    await this.send(push, { testPushId: push.testPushId }, `test-${push.testPushId}`, provider, attempt, event);
  }

  private async send(
    push: PushJob | TestPushJob,
    names: { challengeId: string } | { testPushId: string },
    pushKey: string,
    provider: 'fcm' | 'apns',
    attempt: number,
    event: PushOutcomeEvent,
  ): Promise<void> {
    const { type, ...fields } = event;
    const envelope = {
      id: pushEventId(pushKey, push.deviceId, attempt, type),
      type,
      occurredAt: this.now().toISOString(),
      workspaceId: push.workspaceId,
      streamId: `push-${pushKey}-${push.deviceId}`,
      correlationId: push.correlationId,
      causationId: push.causationId,
      data: { ...names, userId: push.userId, deviceId: push.deviceId, provider, attempt, ...fields },
    };
    const key = 'challengeId' in names ? names.challengeId : names.testPushId;
    await this.publisher.publish([{ topic: this.topic, key, envelope, traceparent: push.traceparent }]);
    this.recordOutcome(provider, type);
  }
}
