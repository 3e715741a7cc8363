/** Kafka topics fixed by the public contract, with the partition counts this project declares. */
export const TOPICS = {
  registry: 'pushmfa.registry.v1',
  challenge: 'pushmfa.challenge.v1',
  delivery: 'pushmfa.delivery.v1',
} as const;

export type TopicKey = keyof typeof TOPICS;
export type TopicName = (typeof TOPICS)[TopicKey];

/** Suffixes for the retry and dead-letter topics that sit beside each contract topic. */
export const RETRY_SUFFIX = '.retry';
export const DEAD_LETTER_SUFFIX = '.dlq';

export interface TopicDeclaration {
  name: string;
  partitions: number;
  /** Retention in milliseconds; undefined keeps the broker default. */
  retentionMs?: number;
}

const PARTITIONS: Record<TopicKey, number> = { registry: 6, challenge: 12, delivery: 12 };
const DEAD_LETTER_RETENTION_MS = 14 * 24 * 3600 * 1000;

/**
 * Every topic the project uses. `prefix` isolates test runs on one broker; production uses none.
 */
export function declaredTopics(prefix = ''): TopicDeclaration[] {
  return (Object.keys(TOPICS) as TopicKey[]).flatMap((key) => {
    const name = prefix + TOPICS[key];
    const partitions = PARTITIONS[key];
    return [
      { name, partitions },
      { name: name + RETRY_SUFFIX, partitions },
      { name: name + DEAD_LETTER_SUFFIX, partitions: 1, retentionMs: DEAD_LETTER_RETENTION_MS },
    ];
  });
}

export function topicName(key: TopicKey, prefix = ''): string {
  return prefix + TOPICS[key];
}
