import type { Kafka, Producer } from 'kafkajs';
import { DEAD_LETTER_SUFFIX, topicName } from '@pushmfa/contracts';
import type { PushJob } from './push-job';

/**
 * Copies a push the provider refused as malformed to `pushmfa.delivery.v1.dlq`, so an engineer can replay or
 * study it. The copy is the push job (ids, provider, round and try): never the device token.
 */
export class PushDeadLetters {
  private readonly producer: Producer;
  readonly topic: string;

  constructor(kafka: Kafka, topicPrefix: string) {
    this.producer = kafka.producer({ allowAutoTopicCreation: false });
    this.topic = topicName('delivery', topicPrefix) + DEAD_LETTER_SUFFIX;
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async send(job: PushJob, provider: 'fcm' | 'apns', reason: string): Promise<void> {
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: [
        {
          key: job.challengeId,
          value: JSON.stringify({ kind: 'PushJob', provider, reason, failedAt: new Date().toISOString(), job }),
          headers: { 'dlq-reason': reason.slice(0, 1000), 'dlq-source': 'delivery.push-dispatch', 'content-type': 'application/json' },
        },
      ],
    });
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
