import { context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { type Consumer, type EachBatchPayload, type Kafka, type KafkaMessage, Partitioners, type Producer } from 'kafkajs';
import { type ContractEnvelope, type EventType, parseRecordJson, readRecordJson, TRACEPARENT_HEADER } from '@pushmfa/contracts';
import { isDatabaseUnavailable } from '@pushmfa/postgres';
import { type MetricsService, runInSpan, runWithCorrelationId, startConsumerSpan } from '@pushmfa/observability';
import { fullJitterBackoffMs, sleep } from './backoff';
import { sendToDeadLetter } from './dead-letter';
import { deadLetterCounter } from './messaging-metrics';
import { OffsetCommitter } from './offset-committer';
import { PartitionBatchCoalescer } from './partition-batch-coalescer';
import { claimedEventType } from './record-event-type';
import { currentTraceparent } from './trace-context';

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  traceparent?: string;
}

export type ContractHandler = (envelope: ContractEnvelope, record: ConsumedRecord) => Promise<void>;

/** One valid record of a fetched batch, in offset order. */
export interface ConsumedBatchItem {
  envelope: ContractEnvelope;
  record: ConsumedRecord;
  /** The traceparent of this record's CONSUMER span (a child of the producer's): for work it starts, such as a push. */
  traceparent?: string;
}

/**
 * Applies records of one partition, in offset order, all or nothing (one transaction). Called with the valid records
 * of a fetched batch; when it fails for a reason other than the infrastructure, each record is retried on its own,
 * so one poison record is dead-lettered alone. Must be idempotent per envelope id (an inbox in the same transaction).
 */
export type ContractBatchHandler = (items: readonly ConsumedBatchItem[]) => Promise<void>;

export interface ContractConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  /** One record at a time. Give this or `handleBatch`. */
  handle?: ContractHandler;
  /**
   * The fetched batch at once: one transaction instead of one per record. The batches of the partitions kafkajs hands
   * over together go in one call (partition-batch-coalescer.ts), up to `maxBatchSize` records in all.
   */
  handleBatch?: ContractBatchHandler;
  /** The most records `handleBatch` gets at once (default 500). */
  maxBatchSize?: number;
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
   * How long the broker may hold a fetch (default 2 s) until `fetchMinBytes` (default 1) have arrived. The broker
   * answers as soon as a record arrives, so the wait costs no latency; it sets how often an idle consumer asks again
   * (each ask costs the broker and this process a TLS round trip), and how long `stop` and a rebalance may wait for
   * the fetch under way (kafkajs cannot cancel it). A consumer that wants many records per round trip instead of one
   * (a rare type from a busy topic) sets `gatherMs`, or raises `fetchMinBytes` to have the broker gather them.
   */
  fetchMaxWaitMs?: number;
  fetchMinBytes?: number;
  /**
   * Gathering on this side (default 0: none): after a fetch that carried records, the next fetch waits this long
   * (kafkajs fetches again only once every batch of a fetch is processed), so what arrives meanwhile comes in one
   * fetch, one transaction and one offset commit. The first record after a quiet spell is handled at once (the broker
   * answers as soon as one arrives), and an idle group asks only every `fetchMaxWaitMs`: unlike gathering on the
   * broker (a short `fetchMaxWaitMs` with a large `fetchMinBytes`), which holds every record up to the wait and asks
   * again each wait even when idle. A stop ends the wait at once.
   */
  gatherMs?: number;
  fromBeginning?: boolean;
  /**
   * The least time between two offset commits (default 200 ms): what settles meanwhile goes in one OffsetCommit
   * (offset-committer.ts). Another member of the group (a view's freshness check) sees the offsets after at most this.
   */
  commitIntervalMs?: number;
  /** Called once a record is settled (its effect committed, or it needed none, or it was dead-lettered), in offset order per partition. */
  onSettled?: (topic: string, partition: number, offset: string) => void;
  log?: (level: 'error' | 'warn' | 'info', message: string, extra?: Record<string, unknown>) => void;
  /** Counts dead-lettered records in `messaging_dead_lettered_total` (messaging-metrics.ts). */
  metrics?: MetricsService;
}

/** How long `stop` waits for the last offset commit (the broker may be down) before it leaves the group. */
const STOP_COMMIT_WAIT_MS = 3000;

/**
 * An idle consumer asks the broker again every 2 s: at 500 ms the stack's seven consumer groups sent some 15 fetches a
 * second with no load at all, the larger part of an idle stack's CPU (broker and services alike). kafkajs' own
 * default is 5 s; 2 s keeps a stop or a rebalance short (tests stop consumers constantly) within the 10 s session.
 */
export const DEFAULT_FETCH_MAX_WAIT_MS = 2000;

/** Batch mode's default `partitionsConsumedConcurrently`: the partitions a fetch can carry (three topics of twelve). */
const BATCH_MODE_PARTITIONS_AT_ONCE = 36;

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
  /** The wait before the next fetch (`gatherMs`) under way, shared by the batches of a fetch. */
  private gathering?: Promise<void>;
  private readonly handledTypes?: ReadonlySet<string>;
  private joined = false;
  private crashed = false;
  private readonly countDeadLettered?: (topic: string) => void;
  /** Batch mode: the partitions' batches handed over together go to `handleBatch` in one call (one transaction). */
  private readonly applyBatch?: ContractBatchHandler;
  private readonly committer: OffsetCommitter;

  constructor(private readonly options: ContractConsumerOptions) {
    if (!options.handle === !options.handleBatch) throw new Error('ContractConsumer needs exactly one of handle and handleBatch');
    if (options.handleBatch) {
      const coalescer = new PartitionBatchCoalescer(options.handleBatch, {
        maxItems: Math.max(1, options.maxBatchSize ?? 500),
        isInfrastructureFailure: isRetryableInfrastructureError,
      });
      this.applyBatch = (items) => coalescer.apply(items);
    }
    if (options.metrics) this.countDeadLettered = deadLetterCounter(options.metrics, options.groupId, options.topics);
    if (options.handledTypes) this.handledTypes = new Set(options.handledTypes);
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      // A member that died without leaving (SIGKILL, a lost host) holds its partitions until its session times out,
      // and a restarted instance cannot join before: 10 s bounds both. Handlers heartbeat between records and retries.
      sessionTimeout: 10000,
      heartbeatInterval: 2000,
      maxWaitTimeInMs: options.fetchMaxWaitMs ?? DEFAULT_FETCH_MAX_WAIT_MS,
      minBytes: options.fetchMinBytes ?? 1,
      // Reconnects for ever with capped backoff: after a broker restart a consumer is back within about 2 s of it.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 2000 },
    });
    this.producer = options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.committer = new OffsetCommitter({
      commit: (positions) => this.consumer.commitOffsets(positions),
      intervalMs: options.commitIntervalMs ?? 200,
      onError: (error, positions) => this.log('warn', 'offset commit failed; kept for the next one', { error: describe(error), partitions: positions.length }),
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      // Positions of partitions that moved to another member are theirs to commit.
      this.committer.retainOnly(
        Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition }))),
      );
    });
    // Before the partitions move: the new owner starts from what this member settled.
    this.consumer.on(this.consumer.events.REBALANCING, () => void this.committer.flush());
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
      // Committed by this.committer: kafkajs' auto-commit sends one OffsetCommit after every fetched batch.
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Batch mode: every partition of a fetch is handed over at once, so that the coalescer puts them in one call.
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? (this.applyBatch ? BATCH_MODE_PARTITIONS_AT_ONCE : 4),
      eachBatch: (payload) => this.processBatch(payload),
    });
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.committer.stop();
    // What settled is committed before the group is left; a batch still under way commits its own at its end.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.committer.flush(), new Promise((resolve) => (timer = setTimeout(resolve, STOP_COMMIT_WAIT_MS)))]);
    clearTimeout(timer);
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  private async processBatch(payload: EachBatchPayload) {
    try {
      await (this.applyBatch ? this.processInBatches(payload, this.applyBatch) : this.processRecords(payload));
    } finally {
      // A batch that ends while the consumer stops commits at once: kafkajs leaves the group right after it.
      if (this.stopping.signal.aborted) await this.committer.flush();
    }
    // Settled already (offsets resolved, `onSettled` called): this wait delays only the next fetch. One wait for the
    // batches of a fetch: those that end while it runs join it, so more partitions than workers do not add waits.
    const gatherMs = this.options.gatherMs ?? 0;
    if (gatherMs > 0 && payload.batch.messages.length > 0 && payload.isRunning() && !payload.isStale())
      await (this.gathering ??= sleep(gatherMs, this.stopping.signal).finally(() => (this.gathering = undefined)));
  }

  private async processRecords({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) {
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      const settled = await this.processRecord(batch.topic, batch.partition, message, heartbeat);
      if (!settled) return;
      resolveOffset(message.offset);
      this.committer.settled(batch.topic, batch.partition, message.offset);
      this.options.onSettled?.(batch.topic, batch.partition, message.offset);
      await heartbeat();
    }
  }

  /**
   * Batch mode: the fetched records of one partition go to `handle` together, in chunks of `maxBatchSize`; the offset
   * of a chunk is resolved once all its records are settled, and committed within the commit interval. Invalid records are dead-lettered as in
   * record mode, records of unwanted types are skipped.
   */
  private async processInBatches({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload, handle: ContractBatchHandler) {
    const size = Math.max(1, this.options.maxBatchSize ?? 500);
    for (let start = 0; start < batch.messages.length; start += size) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + size);
      const settled = await this.processChunk(batch.topic, batch.partition, chunk, heartbeat, handle);
      if (!settled) return;
      const last = chunk[chunk.length - 1]!;
      resolveOffset(last.offset);
      this.committer.settled(batch.topic, batch.partition, last.offset);
      if (this.options.onSettled) for (const message of chunk) this.options.onSettled(batch.topic, batch.partition, message.offset);
      await heartbeat();
    }
  }

  /** Returns false when stopping before the chunk was settled (it will be consumed again). */
  private async processChunk(topic: string, partition: number, messages: KafkaMessage[], heartbeat: () => Promise<void>, handle: ContractBatchHandler) {
    const items: Array<ConsumedBatchItem & { message: KafkaMessage; span: Span }> = [];
    for (const message of messages) {
      const read = readRecordJson(message.value);
      if (read.kind === 'json' && !this.wantsType(claimedEventType(read.json))) continue;
      const parsed = read.kind === 'invalid' ? read : parseRecordJson(read.json);
      if (parsed.kind === 'unknown_type') continue;
      if (parsed.kind === 'invalid') {
        const reason = `${parsed.reason}${parsed.issues.length ? ': ' + JSON.stringify(parsed.issues.slice(0, 5)) : ''}`;
        await this.deadLetter(topic, partition, message, reason, 0);
        continue;
      }
      const record: ConsumedRecord = { topic, partition, offset: message.offset, traceparent: message.headers?.[TRACEPARENT_HEADER]?.toString() };
      const span = this.startSpan(parsed.envelope, record);
      items.push({ envelope: parsed.envelope, record, traceparent: traceparentOf(span), message, span });
    }
    if (items.length === 0) return true;
    try {
      // The whole chunk first; on a failure that is not the infrastructure's, record by record (poison isolation).
      const applied = await this.applyWithRetry(items, heartbeat, handle, items.length === 1);
      if (applied === 'stopped') return false;
      if (applied === 'applied') return true;
      for (const item of items) {
        const one = await this.applyWithRetry([item], heartbeat, handle, true);
        if (one === 'stopped') return false;
        if (one === 'failed') {
          item.span.setStatus({ code: SpanStatusCode.ERROR, message: 'dead-lettered' });
        }
      }
      return true;
    } finally {
      for (const item of items) item.span.end();
    }
  }

  /**
   * Applies `items` with the record-mode retry policy: infrastructure errors are retried until they pass; other errors
   * are retried up to `maxAttempts` and then, for a single record (`deadLetterOnFailure`), dead-lettered ('failed'),
   * or for several, reported at once ('split': the caller retries them one by one).
   */
  private async applyWithRetry(
    items: ReadonlyArray<ConsumedBatchItem & { message: KafkaMessage }>,
    heartbeat: () => Promise<void>,
    handle: ContractBatchHandler,
    deadLetterOnFailure: boolean,
  ): Promise<'applied' | 'failed' | 'split' | 'stopped'> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    const first = items[0]!;
    for (let attempt = 1; ; attempt++) {
      try {
        await handle(items);
        return 'applied';
      } catch (error) {
        const retryable = isRetryableInfrastructureError(error);
        if (!retryable && !deadLetterOnFailure) return 'split';
        if (!retryable && attempt >= maxAttempts) {
          await this.deadLetter(first.record.topic, first.record.partition, first.message, describe(error), attempt);
          return 'failed';
        }
        this.log('warn', 'handler failed; retrying', {
          topic: first.record.topic,
          partition: first.record.partition,
          offset: first.record.offset,
          records: items.length,
          attempt,
          error: describe(error),
        });
        await sleep(fullJitterBackoffMs(attempt, this.options.backoffBaseMs ?? 100, this.options.backoffCapMs ?? 5000), this.stopping.signal);
        if (this.stopping.signal.aborted) return 'stopped';
        await heartbeat();
      }
    }
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
    const handle = this.options.handle!;
    return runInSpan(this.startSpan(envelope, record), () => runWithCorrelationId(envelope.correlationId, () => handle(envelope, record)));
  }

  private startSpan(envelope: ContractEnvelope, record: ConsumedRecord): Span {
    return startConsumerSpan(`${record.topic} ${envelope.type}`, record.traceparent, {
      'messaging.system': 'kafka',
      'messaging.destination.name': record.topic,
      'messaging.message.id': envelope.id,
      'messaging.consumer.group.name': this.options.groupId,
    });
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

/** The traceparent of `span` itself (undefined when tracing records nothing). */
function traceparentOf(span: Span): string | undefined {
  return context.with(trace.setSpan(context.active(), span), currentTraceparent);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
