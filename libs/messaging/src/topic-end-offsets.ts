import type { Kafka } from 'kafkajs';

/** The part of kafkajs' Cluster this reader uses (kafkajs/src/cluster/index.js, 2.2.4). */
interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  findTopicPartitionMetadata(topic: string): Array<{ partitionId: number }>;
  fetchTopicsOffset(
    topics: Array<{ topic: string; fromBeginning: boolean; partitions: Array<{ partition: number }> }>,
  ): Promise<Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>>;
}

const CREATE_CLUSTER = 'private:Kafka:createCluster';

/**
 * How long the topic's partition list is trusted before it is read again. Without a value kafkajs' cluster reads the
 * metadata before every request (its max age defaults to 0 there), which doubled the requests a view sends per call.
 * A partition added to the topic is counted within this time; a leader that moved is handled at once (below).
 */
export const PARTITION_LIST_MAX_AGE_MS = 10_000;

/**
 * A topic's end offsets in one ListOffsets request. kafkajs' `admin.fetchTopicOffsets` sends two, one after the other
 * (the latest offsets, then the earliest), and a view that shows it is current before every request it serves (an API
 * key, a device) pays that on every request; this reads the latest alone through the same client's cluster. kafkajs
 * keeps that cluster factory private to its Kafka instance (kafkajs 2.2.4 is its last release): the constructor fails
 * loudly if a kafkajs version no longer has it, and libs/messaging's tests read offsets through it on the real broker.
 */
export class TopicEndOffsets {
  private readonly cluster: KafkajsCluster;
  private readonly targeted = new Set<string>();

  constructor(kafka: Kafka) {
    const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === CREATE_CLUSTER);
    const create = symbol ? (kafka as unknown as Record<symbol, unknown>)[symbol] : undefined;
    if (typeof create !== 'function') throw new Error('kafkajs has no private cluster factory: review topic-end-offsets.ts for this kafkajs version');
    this.cluster = (create as (options: Record<string, unknown>) => KafkajsCluster)({
      allowAutoTopicCreation: false,
      metadataMaxAge: PARTITION_LIST_MAX_AGE_MS,
    });
  }

  connect(): Promise<void> {
    return this.cluster.connect();
  }

  disconnect(): Promise<void> {
    return this.cluster.disconnect();
  }

  /** The offset the next record of each partition will get (the high watermark), from a request sent now. */
  async latest(topic: string): Promise<Array<{ partition: number; high: bigint }>> {
    try {
      return await this.read(topic);
    } catch (error) {
      // A leader moved or the metadata is stale: once more on fresh metadata, as kafkajs' admin does.
      if (!isStaleMetadata(error)) throw error;
      await this.cluster.refreshMetadata();
      return this.read(topic);
    }
  }

  private async read(topic: string): Promise<Array<{ partition: number; high: bigint }>> {
    if (!this.targeted.has(topic)) {
      await this.cluster.addTargetTopic(topic);
      this.targeted.add(topic);
    }
    await this.cluster.refreshMetadataIfNecessary();
    const partitions = this.cluster.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId }));
    const [result] = await this.cluster.fetchTopicsOffset([{ topic, fromBeginning: false, partitions }]);
    return (result?.partitions ?? []).map(({ partition, offset }) => ({ partition, high: BigInt(offset) }));
  }
}

function isStaleMetadata(error: unknown): boolean {
  const type = (error as { type?: unknown })?.type;
  return type === 'UNKNOWN_TOPIC_OR_PARTITION' || type === 'NOT_LEADER_FOR_PARTITION' || type === 'LEADER_NOT_AVAILABLE';
}
