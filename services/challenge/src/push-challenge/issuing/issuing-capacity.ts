/**
 * How many challenges may be in the middle of being issued at once. Past it, a new request is refused at once
 * (503 `unavailable` with Retry-After) instead of queueing: an overloaded service then keeps answering the
 * challenges already issued (the approvals and the platform's long-polls) within seconds, rather than letting
 * every request wait in one growing queue until all of them time out.
 */
export class IssuingCapacity {
  private inFlight = 0;

  constructor(private readonly limit: number) {}

  /** Runs `issue` if there is room; otherwise returns `refused` without running it. */
  async run<T, R>(issue: () => Promise<T>, refused: () => R): Promise<T | R> {
    if (this.inFlight >= this.limit) return refused();
    this.inFlight++;
    try {
      return await issue();
    } finally {
      this.inFlight--;
    }
  }
}
