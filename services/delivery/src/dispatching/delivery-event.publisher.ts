import { topicName } from '@pushmfa/contracts';
import type { KafkaEventPublisher } from '@pushmfa/messaging';
import { pushEventId } from './push-event-id';
import type { PushOutcomeRecorder } from './delivery-metrics';
import type { PushJob } from './push-job';
import type { PushOutcomeEvent } from './push-outcome-decision';

/** Publishes a push's outcome to `pushmfa.delivery.v1`, keyed by challenge id so one challenge's events stay in order. */
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
    const { type, ...fields } = event;
    const envelope = {
      id: pushEventId(job.challengeId, job.deviceId, attempt, type),
      type,
      occurredAt: this.now().toISOString(),
      workspaceId: job.workspaceId,
      streamId: `push-${job.challengeId}-${job.deviceId}`,
      correlationId: job.correlationId,
      causationId: job.causationId,
      data: { challengeId: job.challengeId, userId: job.userId, deviceId: job.deviceId, provider, attempt, ...fields },
    };
    await this.publisher.publish([{ topic: this.topic, key: job.challengeId, envelope, traceparent: job.traceparent }]);
    this.recordOutcome(provider, type);
  }
}
