import './kafkajs-idle-fix';
/**
 * Creates every topic the project declares (libs/contracts topics.ts) and every service's ACLs on them
 * (kafka-acls.ts), idempotently: `node dist/tools/create-topics.js` runs it, and so do the tests for their namespaces.
 *
 * Existing topics are kept; one with fewer partitions than declared gets more (Kafka cannot shrink).
 */
import { Kafka, logLevel } from 'kafkajs';
import type { Admin, ITopicConfig } from 'kafkajs';
import { declaredTopics } from '@pushmfa/contracts';
import type { TopicDeclaration } from '@pushmfa/contracts';
import type { KafkaSecurityConfig } from '@pushmfa/service-config';
import { kafkaSecurityOptions } from './kafka-client';
import { ensureAcls } from './kafka-acls';

export interface EnsureTopicsResult {
  created: string[];
  grown: string[];
  unchanged: string[];
  /** ACL bindings declared for the services (created or already there). */
  acls: number;
}

// The broker may still be electing leaders for a freshly created topic; kafkajs retries with this budget.
const ADMIN_RETRY = { retries: 8, initialRetryTime: 200, maxRetryTime: 3000 };

/** `security` must be an admin user's (a super user on the broker): it creates topics and ACLs. */
export async function ensureTopics(brokers: string | string[], prefix = '', security?: KafkaSecurityConfig): Promise<EnsureTopicsResult> {
  const kafka = new Kafka({
    clientId: 'pushmfa-create-topics',
    brokers: typeof brokers === 'string' ? brokers.split(',') : brokers,
    logLevel: logLevel.NOTHING,
    retry: ADMIN_RETRY,
    ...kafkaSecurityOptions(security),
  });
  const admin = kafka.admin();
  await admin.connect();
  const declared = declaredTopics(prefix);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await ensureWithAdmin(admin, declared);
        await waitUntilEveryPartitionHasALeader(admin, declared);
        const acls = await ensureAcls(admin, prefix);
        return { ...result, acls };
      } catch (error) {
        // A broker busy with other callers' topics can answer "does not host this topic-partition" for a moment.
        if (attempt >= 5 || (error as { retriable?: boolean }).retriable !== true) throw error;
        await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/** Returns once the broker serves every declared partition, so producers and consumers can use them at once. */
async function waitUntilEveryPartitionHasALeader(admin: Admin, declared: TopicDeclaration[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metadata = await admin.fetchTopicMetadata({ topics: declared.map((topic) => topic.name) });
    const served = new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.filter((p) => p.leader >= 0).length]));
    if (declared.every((topic) => (served.get(topic.name) ?? 0) >= topic.partitions)) return;
    if (Date.now() > deadline) throw new Error(`Kafka did not elect leaders for every partition within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function ensureWithAdmin(admin: Admin, declared: TopicDeclaration[]): Promise<Omit<EnsureTopicsResult, 'acls'>> {
  const existing = new Set(await admin.listTopics());
  const missing = declared.filter((topic) => !existing.has(topic.name));
  if (missing.length > 0) {
    // createTopics answers false (not an error) for topics that a concurrent caller created first.
    await admin.createTopics({ topics: missing.map(toTopicConfig), waitForLeaders: true });
  }
  const present = declared.filter((topic) => existing.has(topic.name));
  const grown = await growPartitions(admin, present);
  return {
    created: missing.map((topic) => topic.name),
    grown,
    unchanged: present.map((topic) => topic.name).filter((name) => !grown.includes(name)),
  };
}

async function growPartitions(admin: Admin, present: TopicDeclaration[]): Promise<string[]> {
  if (present.length === 0) return [];
  const metadata = await admin.fetchTopicMetadata({ topics: present.map((topic) => topic.name) });
  const countByName = new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
  const tooSmall = present.filter((topic) => (countByName.get(topic.name) ?? 0) < topic.partitions);
  if (tooSmall.length > 0) {
    await admin.createPartitions({ topicPartitions: tooSmall.map((topic) => ({ topic: topic.name, count: topic.partitions })) });
  }
  return tooSmall.map((topic) => topic.name);
}

function toTopicConfig(topic: TopicDeclaration): ITopicConfig {
  const configEntries = topic.retentionMs === undefined ? [] : [{ name: 'retention.ms', value: String(topic.retentionMs) }];
  return { topic: topic.name, numPartitions: topic.partitions, replicationFactor: -1, configEntries };
}
