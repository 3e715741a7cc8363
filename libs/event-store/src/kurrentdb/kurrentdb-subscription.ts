import type { AllStreamSubscription, Filter, KurrentDBClient } from '@kurrent/kurrentdb-client';
import { START_POSITION, comparePositions, type GlobalPosition, type RecordedEvent, type SubscribeOptions, type Subscription } from '../event-store.port';
import { DEFAULT_MAX_RETRY_DELAY_MS, DEFAULT_MIN_RETRY_DELAY_MS, retryDelayMs } from '../retry-delay';
import { toReadPosition, toRecordedEvent, type StreamNamespace } from './kurrentdb-mapping';

export interface KurrentDBSubscriptionSettings {
  client: KurrentDBClient;
  namespace: StreamNamespace;
  filter: Filter;
  readCheckpoint(subscriptionId: string): Promise<GlobalPosition | null>;
  storeCheckpoint(subscriptionId: string, position: GlobalPosition): Promise<void>;
}

/**
 * A catch-up subscription to $all, pushed by the server. Events already buffered are handed over as one
 * batch; the checkpoint is stored after each batch. A dropped subscription resumes from the last checkpoint.
 */
export class KurrentDBSubscription implements Subscription {
  private running = true;
  private current?: AllStreamSubscription;
  private wakeSleep?: () => void;
  private loop?: Promise<void>;

  constructor(
    private readonly settings: KurrentDBSubscriptionSettings,
    private readonly options: SubscribeOptions,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeSleep?.();
    await this.current?.unsubscribe().catch(() => undefined);
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    let position: GlobalPosition | undefined;
    while (this.running) {
      try {
        position ??= (await this.settings.readCheckpoint(this.options.subscriptionId)) ?? START_POSITION;
        position = await this.consume(position);
        failures = 0;
        // The server ended the subscription (e.g. a leader change): pause briefly, then resume.
        await this.sleep(this.retryDelay(0));
      } catch (error) {
        if (!this.running) return;
        this.options.onError?.(error);
        await this.sleep(this.retryDelay(failures));
        failures += 1;
      }
    }
  }

  /** Reads the subscription until it ends or fails; returns the last checkpointed position. */
  private async consume(from: GlobalPosition): Promise<GlobalPosition> {
    const subscription = this.settings.client.subscribeToAll({
      fromPosition: toReadPosition(from),
      filter: this.settings.filter,
    });
    this.current = subscription;
    let position = from;
    let batch: RecordedEvent[] = [];
    const batchSize = this.options.batchSize ?? 100;
    try {
      for await (const resolved of subscription) {
        const event = this.settings.namespace.visible(toRecordedEvent(resolved));
        if (event && comparePositions(event.position, position) > 0) batch.push(event);
        // Hand over what is already buffered as one batch rather than one event at a time.
        if (batch.length > 0 && (batch.length >= batchSize || subscription.readableLength === 0)) {
          position = await this.deliver(batch, position);
          batch = [];
        }
        if (!this.running) break;
      }
    } finally {
      this.current = undefined;
      await subscription.unsubscribe().catch(() => undefined);
    }
    return position;
  }

  /** Retries the batch until it is handled and checkpointed; stop() ends the retries. */
  private async deliver(batch: RecordedEvent[], position: GlobalPosition): Promise<GlobalPosition> {
    const last = batch[batch.length - 1]!.position;
    for (let failures = 0; ; failures += 1) {
      try {
        await this.options.handle(batch);
        await this.settings.storeCheckpoint(this.options.subscriptionId, last);
        return last;
      } catch (error) {
        this.options.onError?.(error);
        if (!this.running) return position;
        await this.sleep(this.retryDelay(failures));
        if (!this.running) return position;
      }
    }
  }

  private retryDelay(failures: number): number {
    return retryDelayMs(failures, this.options.minRetryDelayMs ?? DEFAULT_MIN_RETRY_DELAY_MS, this.options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS);
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeSleep = undefined;
        resolve();
      }, ms);
      this.wakeSleep = () => {
        clearTimeout(timer);
        this.wakeSleep = undefined;
        resolve();
      };
    });
  }
}
