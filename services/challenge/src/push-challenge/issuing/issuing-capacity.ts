/** How long a request within its workspace's fair share waits for a place before it is refused. */
const DEFAULT_MAX_WAIT_MS = 2000;

interface Waiter {
  workspaceId: string;
  admit: () => void;
  timer: NodeJS.Timeout;
}

/**
 * How many challenges may be in the middle of being issued at once, shared fairly between workspaces. Past the
 * limit, a new request is refused at once (503 `unavailable` with Retry-After) instead of queueing without bound:
 * an overloaded service then keeps answering the challenges already issued (the approvals and the platform's
 * long-polls) within seconds, rather than letting every request wait in one growing queue until all time out.
 *
 * Fairness: each workspace with requests in flight or waiting has an equal share of the limit
 * (`floor(limit / busy workspaces)`, at least 1). A request of a workspace already at its share is refused at
 * once; a request within its share takes a free place, or, when the places are all taken (by a workspace that
 * took them while it was alone), waits a bounded time for the next one to free up. Freed places go to the
 * waiting workspace with the fewest in flight. So one workspace flooding the API gets 503s for its excess while
 * another workspace's requests, within their share, are issued.
 */
export class IssuingCapacity {
  private total = 0;
  private readonly inFlight = new Map<string, number>();
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaitMs = DEFAULT_MAX_WAIT_MS,
  ) {}

  /** Runs `issue` for `workspaceId` if it gets a place; otherwise returns `refused` without running it. */
  async run<T, R>(workspaceId: string, issue: () => Promise<T>, refused: () => R): Promise<T | R> {
    const admitted = await this.admit(workspaceId);
    if (!admitted) return refused();
    try {
      return await issue();
    } finally {
      this.release(workspaceId);
    }
  }

  /** Places in use by a workspace (for tests and metrics). */
  inFlightOf(workspaceId: string): number {
    return this.inFlight.get(workspaceId) ?? 0;
  }

  private admit(workspaceId: string): Promise<boolean> | boolean {
    const mine = this.inFlightOf(workspaceId) + this.waitingOf(workspaceId);
    if (mine >= this.shareOf(workspaceId)) return false;
    if (this.total < this.limit && this.waiting.length === 0) {
      this.take(workspaceId);
      return true;
    }
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        workspaceId,
        admit: () => {
          clearTimeout(waiter.timer);
          this.take(workspaceId);
          resolve(true);
        },
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          resolve(false);
        }, this.maxWaitMs),
      };
      this.waiting.push(waiter);
      this.admitWaiters();
    });
  }

  private release(workspaceId: string): void {
    this.total--;
    const left = this.inFlightOf(workspaceId) - 1;
    if (left > 0) this.inFlight.set(workspaceId, left);
    else this.inFlight.delete(workspaceId);
    this.admitWaiters();
  }

  private take(workspaceId: string): void {
    this.total++;
    this.inFlight.set(workspaceId, this.inFlightOf(workspaceId) + 1);
  }

  /** Hands free places to waiters: the workspace with the fewest in flight first, oldest request first among equals. */
  private admitWaiters(): void {
    while (this.total < this.limit && this.waiting.length > 0) {
      let next = 0;
      for (let i = 1; i < this.waiting.length; i++) {
        if (this.inFlightOf(this.waiting[i]!.workspaceId) < this.inFlightOf(this.waiting[next]!.workspaceId)) next = i;
      }
      const [waiter] = this.waiting.splice(next, 1);
      waiter!.admit();
    }
  }

  /** An equal part of the limit for each workspace with requests in flight or waiting, this one included. */
  private shareOf(workspaceId: string): number {
    const busy = new Set([...this.inFlight.keys(), ...this.waiting.map((w) => w.workspaceId), workspaceId]);
    return Math.max(1, Math.floor(this.limit / busy.size));
  }

  private waitingOf(workspaceId: string): number {
    let count = 0;
    for (const waiter of this.waiting) if (waiter.workspaceId === workspaceId) count++;
    return count;
  }
}
