/** One request waiting to be written with others, and how to answer it. */
interface Waiting<TRequest, TAnswer> {
  request: TRequest;
  resolve: (answer: TAnswer) => void;
  reject: (error: unknown) => void;
}

/**
 * A request's own outcome within a batch: its answer, the error it alone is answered with, or the work that will
 * answer it outside the batch (`later`: a request the batch could not take, run on its own; its answer does not hold
 * up the batch's others).
 */
export type BatchOutcome<TAnswer> = { answer: TAnswer } | { error: unknown } | { later: Promise<TAnswer> };

export interface GroupCommitOptions<TRequest> {
  /** Requests written in one transaction at most. */
  maxBatch: number;
  /** Transactions under way at once; requests arriving while all are busy gather for the next one. */
  maxInFlight: number;
  /** Requests that must not share a transaction (the same Idempotency-Key): the later one waits for the next. */
  conflictKey?: (request: TRequest) => string | undefined;
  /** True for an error of the store itself (unavailable): the whole batch is answered with it, not retried alone. */
  isStoreFailure: (error: unknown) => boolean;
  /** Told the size of each batch taken for a transaction (a batch written again one at a time is not counted again). */
  observeBatch?: (size: number) => void;
}

/**
 * The limits every group commit of the challenge service runs with: requests written in one transaction at most, and
 * transactions of one kind under way at once (requests arriving while both are busy gather for the next one).
 */
export const GROUP_COMMIT_LIMITS = { maxBatch: 64, maxInFlight: 2 } as const satisfies Pick<GroupCommitOptions<unknown>, 'maxBatch' | 'maxInFlight'>;

/** The store failing (an outage, coded `unavailable`): a batch that meets it is answered with it whole, not retried alone. */
export function isStoreUnavailable(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'unavailable';
}

/**
 * Group commit: requests that arrive together are decided one by one but written in one transaction, so the round
 * trips (and the commit's WAL flush) of a transaction are paid once per batch instead of once per request, and the
 * cost of a request falls as load rises. A batch forms from the requests of one event-loop tick, and grows while every
 * transaction slot is busy: at low load a request is written alone at once, under load many share a transaction.
 * `write` decides each request of a batch on its own and answers an outcome per request (a refusal is that request's
 * alone). A batch whose transaction fails for a reason other than the store being unavailable is written again one
 * request at a time, so one bad request never fails the others.
 */
export class GroupCommit<TRequest, TAnswer> {
  private readonly queue: Array<Waiting<TRequest, TAnswer>> = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly write: (batch: readonly TRequest[]) => Promise<Array<BatchOutcome<TAnswer>>>,
    private readonly options: GroupCommitOptions<TRequest>,
  ) {}

  submit(request: TRequest): Promise<TAnswer> {
    return new Promise<TAnswer>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.schedule();
    });
  }

  /** Requests waiting for a transaction (for metrics and tests). */
  get waiting(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = true;
    // Everything submitted in this tick joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      this.options.observeBatch?.(batch.length);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }

  private take(): Array<Waiting<TRequest, TAnswer>> {
    const batch: Array<Waiting<TRequest, TAnswer>> = [];
    const keys = new Set<string>();
    for (let i = 0; i < this.queue.length && batch.length < this.options.maxBatch;) {
      const key = this.options.conflictKey?.(this.queue[i]!.request);
      if (key !== undefined && keys.has(key)) {
        i++;
        continue;
      }
      if (key !== undefined) keys.add(key);
      batch.push(this.queue.splice(i, 1)[0]!);
    }
    return batch;
  }

  private async run(batch: Array<Waiting<TRequest, TAnswer>>): Promise<void> {
    let outcomes: Array<BatchOutcome<TAnswer>>;
    try {
      outcomes = await this.write(batch.map((w) => w.request));
    } catch (error) {
      if (batch.length > 1 && !this.options.isStoreFailure(error)) {
        for (const one of batch) await this.run([one]);
        return;
      }
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    batch.forEach((waiting, index) => {
      const outcome = outcomes[index];
      if (!outcome) waiting.reject(new Error('group commit: no outcome for a request'));
      else if ('answer' in outcome) waiting.resolve(outcome.answer);
      else if ('later' in outcome) outcome.later.then(waiting.resolve, waiting.reject);
      else waiting.reject(outcome.error);
    });
  }
}
