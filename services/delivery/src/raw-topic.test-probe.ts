import { randomUUID } from 'node:crypto';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { testKafkaOptions } from '@pushmfa/testing';

export interface RawRecord {
  key: string | undefined;
  value: string;
  headers: Record<string, string>;
}

/** Records every record of a non-contract topic (a dead-letter topic) as text. */
export class RawTopicProbe {
  readonly received: RawRecord[] = [];
  private readonly consumer: Consumer;

  constructor(brokers: string[]) {
    const kafka = new Kafka({ clientId: `delivery-raw-probe-${randomUUID()}`, brokers, logLevel: logLevel.NOTHING, ...testKafkaOptions() });
    this.consumer = kafka.consumer({ groupId: `delivery-raw-probe-${randomUUID()}`, maxWaitTimeInMs: 100 });
  }

  async start(topic: string): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) if (value !== undefined) headers[name] = value.toString();
        this.received.push({ key: message.key?.toString(), value: message.value?.toString() ?? '', headers });
      },
    });
  }

  async waitFor(description: string, predicate: (record: RawRecord) => boolean, timeoutMs = 20_000): Promise<RawRecord> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = this.received.find(predicate);
      if (match) return match;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}; received ${this.received.length} record(s)`);
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}
