import { type Consumer, type EachBatchPayload, type Kafka, type KafkaMessage, Partitioners, type Producer } from 'kafkajs';
import { type ContractEnvelope, type EventType, parseRecordJson, readRecordJson, TRACEPARENT_HEADER } from '@pushmfa/contracts';
import { isDatabaseUnavailable } from '@pushmfa/postgres';
import { type MetricsService, runInSpan, runWithCorrelationId, startConsumerSpan } from '@pushmfa/observability';
import { fullJitterBackoffMs, sleep } from './backoff';
import { sendToDeadLetter } from './dead-letter';
import { deadLetterCounter } from './messaging-metrics';
import { claimedEventType } from './record-event-type';

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  traceparent?: string;
}

export type ContractHandler = (envelope: ContractEnvelope, record: ConsumedRecord) => Promise<void>;

export interface ContractConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handle: ContractHandler;
  /**
   * The event types `handle` acts on. Records of any other type are skipped (their offset resolved) before
   * schema validation, a span or a transaction; an invalid record of one of these types is still dead-lettered.
   * Omit it to hand every valid record to `handle`.
   */
  handledTypes?: readonly EventType[];
  /** Attempts before a failing record is dead-lettered (errors marked retryable never are). */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  partitionsConsumedConcurrently?: number;
  /**
   * How long the broker may hold a fetch (default 100 ms) until `fetchMinBytes` (default 1) have arrived. A consumer
   * that can lag, such as one that wants a rare type from a busy topic, raises both to take many records per round
   * trip instead of one.
   */
  fetchMaxWaitMs?: number;
  fetchMinBytes?: number;
  fromBeginning?: boolean;
  /** Called once a record is settled (its effect committed, or it needed none, or it was dead-lettered), in offset order per partition. */
  onSettled?: (topic: string, partition: number, offset: string) => void;
  log?: (level: 'error' | 'warn' | 'info', message: string, extra?: Record<string, unknown>) => void;
  /** Counts dead-lettered records in `messaging_dead_lettered_total` (messaging-metrics.ts). */
  metrics?: MetricsService;
}

const BROKER_OR_CACHE_FAILURES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'MaxRetriesPerRequestError',
]);

/**
 * An error the consumer must retry until it succeeds (a store, the cache or the broker is down), never dead-letter:
 * tagged `code: 'unavailable'` (EventStoreUnavailableError is), the database unavailable (@pushmfa/postgres'
 * isDatabaseUnavailable, the one classification), a kafkajs connection failure or an ioredis one; also when it is
 * the `cause` of what the handler threw.
 */
export function isRetryableInfrastructureError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if ((current as { code?: unknown }).code === 'unavailable' || isDatabaseUnavailable(current)) return true;
    if (BROKER_OR_CACHE_FAILURES.has(current.name) || current.message === 'Connection is closed.') return true;
  }
  return false;
}

/**
 * Consumes contract topics with manual offset resolution: an offset is resolved (and later committed) only
 * after the handler's effect is durable. Invalid records and records that keep failing go to the dead-letter
 * topic, so one poison record never stalls its partition. Handlers must be idempotent (dedupe by envelope id).
 */
export class ContractConsumer {
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly stopping = new AbortController();
  private readonly handledTypes?: ReadonlySet<string>;
  private joined = false;
  private crashed = false;
  private readonly countDeadLettered?: (topic: string) => void;

  constructor(private readonly options: ContractConsumerOptions) {
    if (options.metrics) this.countDeadLettered = deadLetterCounter(options.metrics, options.groupId, options.topics);
    if (options.handledTypes) this.handledTypes = new Set(options.handledTypes);
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      // A member that died without leaving (SIGKILL, a lost host) holds its partitions until its session times out,
      // and a restarted instance cannot join before: 10 s bounds both. Handlers heartbeat between records and retries.
      sessionTimeout: 10000,
      heartbeatInterval: 2000,
      maxWaitTimeInMs: options.fetchMaxWaitMs ?? 100,
      minBytes: options.fetchMinBytes ?? 1,
      // Reconnects for ever with capped backoff: after a broker restart a consumer is back within about 2 s of it.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 2000 },
    });
    this.producer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => (this.joined = true));
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      this.crashed = !event.payload.restart;
      this.joined = false;
      this.log('error', 'consumer crashed', { error: String(event.payload.error), restart: event.payload.restart });
    });
  }

  /** True once the consumer has joined its group and has not crashed for good. */
  get isReady(): boolean {
    return this.joined && !this.crashed;
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: true,
      autoCommitInterval: 1000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 4,
      eachBatch: (payload) => this.processBatch(payload),
    });
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  private async processBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload) {
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      const settled = await this.processRecord(batch.topic, batch.partition, message, heartbeat);
      if (!settled) return;
      resolveOffset(message.offset);
      this.options.onSettled?.(batch.topic, batch.partition, message.offset);
      await heartbeat();
    }
    await commitOffsetsIfNecessary();
  }

  /** Returns false when stopping before the record was settled (it will be consumed again). */
  private async processRecord(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>) {
    // The value is read as JSON once: first to see whether any handler wants its type, then to validate it.
    const read = readRecordJson(message.value);
    if (read.kind === 'json' && !this.wantsType(claimedEventType(read.json))) return true;
    const parsed = read.kind === 'invalid' ? read : parseRecordJson(read.json);
    if (parsed.kind === 'unknown_type') return true;
    if (parsed.kind === 'invalid') {
      const reason = `${parsed.reason}${parsed.issues.length ? ': ' + JSON.stringify(parsed.issues.slice(0, 5)) : ''}`;
      await this.deadLetter(topic, partition, message, reason, 0);
      return true;
    }
    const traceparent = message.headers?.[TRACEPARENT_HEADER]?.toString();
    const record: ConsumedRecord = { topic, partition, offset: message.offset, traceparent };
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.handleInSpan(parsed.envelope, record);
        return true;
      } catch (error) {
        const retryable = isRetryableInfrastructureError(error);
        if (!retryable && attempt >= maxAttempts) {
          await this.deadLetter(topic, partition, message, describe(error), attempt);
          return true;
        }
        this.log('warn', 'handler failed; retrying', { topic, partition, offset: message.offset, attempt, error: describe(error) });
        await sleep(fullJitterBackoffMs(attempt, this.options.backoffBaseMs ?? 100, this.options.backoffCapMs ?? 5000), this.stopping.signal);
        if (this.stopping.signal.aborted) return false;
        await heartbeat();
      }
    }
  }

  /** False only for a type no handler wants; a record claiming no type goes on to be dead-lettered. */
  private wantsType(type: string | undefined): boolean {
    return !this.handledTypes || type === undefined || this.handledTypes.has(type);
  }

  /** Each attempt runs in a CONSUMER span continuing the producer's trace, with the envelope's correlation id. */
  private handleInSpan(envelope: ContractEnvelope, record: ConsumedRecord): Promise<void> {
    const span = startConsumerSpan(`${record.topic} ${envelope.type}`, record.traceparent, {
      'messaging.system': 'kafka',
      'messaging.destination.name': record.topic,
      'messaging.message.id': envelope.id,
      'messaging.consumer.group.name': this.options.groupId,
    });
    return runInSpan(span, () => runWithCorrelationId(envelope.correlationId, () => this.options.handle(envelope, record)));
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, reason: string, attempts: number) {
    this.log('error', 'record dead-lettered', { topic, partition, offset: message.offset, reason });
    await sendToDeadLetter(this.producer, { topic, partition, message, groupId: this.options.groupId, reason, attempts });
    this.countDeadLettered?.(topic);
  }

  private log(level: 'error' | 'warn' | 'info', message: string, extra?: Record<string, unknown>) {
    this.options.log?.(level, message, { groupId: this.options.groupId, ...extra });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
