/**
 * Group commit for a consumer's partitions. kafkajs hands the batches of one fetch to `eachBatch` one partition at a
 * time (several at once, up to `partitionsConsumedConcurrently`), so a batch handler that writes in one transaction
 * still pays a transaction per partition: at load, a fetch that carries records of eight partitions costs eight
 * transactions. The coalescer is a group commit: one call of the handler (one transaction) at a time, and the batches
 * handed over while it runs, or in the same turn of the event loop, go together in the next call, up to `maxItems`
 * records; each caller learns its own outcome. An idle consumer's batch waits for nothing; at load, the calls fill.
 *
 * Within a call, each partition's records keep their order; records of different partitions had no order between them
 * before either. When a joint call fails for a reason other than the infrastructure (a record the handler refuses),
 * each batch is applied again on its own, so a poison record fails only its own partition's batch (which the consumer
 * then splits record by record to dead-letter it alone). A failure of the infrastructure fails every batch of the
 * call: they would all have failed, and each caller retries after its own back-off.
 */
export class PartitionBatchCoalescer<T> {
  private waiting: Array<{ items: readonly T[]; resolve: () => void; reject: (error: unknown) => void }> = [];
  private scheduled = false;
  private applying = false;

  constructor(
    private readonly handle: (items: readonly T[]) => Promise<void>,
    private readonly options: { maxItems: number; isInfrastructureFailure: (error: unknown) => boolean },
  ) {}

  apply(items: readonly T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ items, resolve, reject });
      this.schedule();
    });
  }

  /** After the current turn (every partition kafkajs starts now has handed its batch over by then), once no call is under way. */
  private schedule(): void {
    if (this.scheduled || this.applying || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.applyNext();
    });
  }

  private async applyNext(): Promise<void> {
    let size = 0;
    let count = 0;
    while (count < this.waiting.length && (count === 0 || size + this.waiting[count]!.items.length <= this.options.maxItems)) {
      size += this.waiting[count]!.items.length;
      count += 1;
    }
    const group = this.waiting.splice(0, count);
    this.applying = true;
    try {
      await this.applyGroup(group);
    } finally {
      this.applying = false;
      // What arrived meanwhile goes in the next call: the longer a call takes, the more the next one carries.
      this.schedule();
    }
  }

  private async applyGroup(group: ReadonlyArray<{ items: readonly T[]; resolve: () => void; reject: (error: unknown) => void }>): Promise<void> {
    if (group.length === 1) {
      const [only] = group;
      await this.handle(only!.items).then(only!.resolve, only!.reject);
      return;
    }
    try {
      await this.handle(group.flatMap((entry) => entry.items));
      for (const entry of group) entry.resolve();
    } catch (error) {
      if (this.options.isInfrastructureFailure(error)) {
        for (const entry of group) entry.reject(error);
        return;
      }
      // Some record of the call was refused: each batch on its own, so only the batch that holds it fails.
      for (const entry of group) await this.handle(entry.items).then(entry.resolve, entry.reject);
    }
  }
}
