interface Waiting<K, R> {
  key: K;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the calls made in one event-loop tick into one query: concurrent work (the pushes a worker is sending, the
 * outcomes it is recording) asks for one row each, and `run` answers them all in one statement (`… where (a, b) in
 * (select * from unnest($1::text[], $2::text[]))`), so the round trips, and the socket writes that cost most on a busy
 * box, are paid per tick rather than per call. `run` answers a result per key, in the keys' order; when it fails,
 * every call of its batch fails with the same error, as each would have alone.
 */
export class TickBatch<K, R> {
  private pending: Array<Waiting<K, R>> = [];
  private scheduled = false;

  constructor(
    private readonly run: (keys: readonly K[]) => Promise<readonly R[]>,
    private readonly maxBatch = 500,
  ) {}

  load(key: K): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ key, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.pending;
    this.pending = [];
    for (let start = 0; start < all.length; start += this.maxBatch) void this.runBatch(all.slice(start, start + this.maxBatch));
  }

  private async runBatch(batch: Array<Waiting<K, R>>): Promise<void> {
    try {
      const results = await this.run(batch.map((w) => w.key));
      batch.forEach((waiting, index) => waiting.resolve(results[index]!));
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
  }
}
