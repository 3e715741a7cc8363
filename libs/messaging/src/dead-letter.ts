import type { KafkaMessage, Producer } from 'kafkajs';
import { DEAD_LETTER_SUFFIX } from '@pushmfa/contracts';

export interface DeadLetterContext {
  topic: string;
  partition: number;
  message: KafkaMessage;
  groupId: string;
  reason: string;
  attempts: number;
}

/** Dead-letter topic of a topic: same name with the `.dlq` suffix. */
export function deadLetterTopicOf(topic: string): string {
  return topic + DEAD_LETTER_SUFFIX;
}

/** Copies the original record to the dead-letter topic with why and where it failed. */
export async function sendToDeadLetter(producer: Producer, ctx: DeadLetterContext): Promise<void> {
  const headers: Record<string, string | Buffer> = {};
  for (const [name, value] of Object.entries(ctx.message.headers ?? {})) {
    if (typeof value === 'string' || Buffer.isBuffer(value)) headers[name] = value;
  }
  Object.assign(headers, {
    'dlq-reason': ctx.reason.slice(0, 1000),
    'dlq-source-topic': ctx.topic,
    'dlq-source-partition': String(ctx.partition),
    'dlq-source-offset': ctx.message.offset,
    'dlq-consumer-group': ctx.groupId,
    'dlq-attempts': String(ctx.attempts),
    'dlq-failed-at': new Date().toISOString(),
  });
  await producer.send({
    topic: deadLetterTopicOf(ctx.topic),
    acks: -1,
    messages: [{ key: ctx.message.key, value: ctx.message.value, headers }],
  });
}
