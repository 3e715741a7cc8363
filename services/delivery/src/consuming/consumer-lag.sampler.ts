import { Logger } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import type { Gauge } from 'prom-client';
import type { MetricsService } from '@pushmfa/observability';

export const CONSUMER_LAG_SAMPLE_INTERVAL_MS = 5000;

/**
 * Samples a consumer group's lag per partition (end offset minus committed offset) every few seconds with the
 * kafkajs admin client, for /metrics and for autoscaling on lag. A failed sample keeps the last values.
 */
export class ConsumerLagSampler {
  private readonly logger = new Logger('ConsumerLagSampler');
  private readonly admin: Admin;
  private readonly lag: Gauge<'group' | 'topic' | 'partition'>;
  private timer: NodeJS.Timeout | undefined;
  private connected = false;

  constructor(
    kafka: Kafka,
    metrics: MetricsService,
    private readonly groupId: string,
    private readonly topic: string,
    private readonly intervalMs = CONSUMER_LAG_SAMPLE_INTERVAL_MS,
  ) {
    this.admin = kafka.admin();
    this.lag = metrics.gauge({
      name: 'delivery_consumer_lag',
      help: 'Records of the topic not yet committed by the consumer group, per partition (sampled)',
      labelNames: ['group', 'topic', 'partition'],
    });
  }

  async start(): Promise<void> {
    await this.admin.connect();
    this.connected = true;
    await this.sampleQuietly();
    this.timer = setInterval(() => void this.sampleQuietly(), this.intervalMs);
    this.timer.unref();
  }

  async sample(): Promise<void> {
    const [ends, committed] = await Promise.all([
      this.admin.fetchTopicOffsets(this.topic),
      this.admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] }),
    ]);
    const committedByPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    for (const end of ends) {
      const committedOffset = committedByPartition.get(end.partition) ?? -1;
      // -1: the group never committed here; everything still retained is waiting.
      const from = committedOffset < 0 ? Number(end.low) : committedOffset;
      const lag = Math.max(0, Number(end.high) - from);
      this.lag.set({ group: this.groupId, topic: this.topic, partition: String(end.partition) }, lag);
    }
  }

  private async sampleQuietly(): Promise<void> {
    try {
      await this.sample();
    } catch (error) {
      this.logger.warn(`consumer lag sample failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.connected) await this.admin.disconnect().catch(() => undefined);
    this.connected = false;
  }
}
