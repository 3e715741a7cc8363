import { EventLoopDelayGuard, IssuingCapacity, type IssuingRefusal } from './issuing-capacity';

function held() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

const refusedAs = (refusal: IssuingRefusal) => `refused: ${refusal.reason}`;

describe('issuing capacity', () => {
  it('refuses at once past the fair share and has room again when an issue finishes', async () => {
    const capacity = new IssuingCapacity({ limit: 2 });
    const { promise, release } = held();
    const first = capacity.run('ws-a', () => promise.then(() => 'issued 1'), refusedAs);
    const second = capacity.run('ws-a', () => promise.then(() => 'issued 2'), refusedAs);
    await expect(capacity.run('ws-a', async () => 'issued 3', refusedAs)).resolves.toBe('refused: fair_share');
    release();
    await expect(Promise.all([first, second])).resolves.toEqual(['issued 1', 'issued 2']);
    await expect(capacity.run('ws-a', async () => 'issued 4', refusedAs)).resolves.toBe('issued 4');
  });

  it('frees the place of an issue that failed', async () => {
    const capacity = new IssuingCapacity({ limit: 1 });
    await expect(capacity.run('ws-a', async () => Promise.reject(new Error('store down')), refusedAs)).rejects.toThrow('store down');
    await expect(capacity.run('ws-a', async () => 'issued', refusedAs)).resolves.toBe('issued');
  });

  it("gives a second workspace the places the first one frees, and refuses the first one's excess meanwhile", async () => {
    const capacity = new IssuingCapacity({ limit: 4, maxWaitMs: 2000 });
    const flood = held();
    const floodRuns = Array.from({ length: 4 }, (_, i) => capacity.run('ws-a', () => flood.promise.then(() => `a${i}`), refusedAs));
    expect(capacity.inFlightOf('ws-a')).toBe(4);
    // B waits for a place within its share (2 of 4, with two workspaces busy); A is over its share: refused at once.
    const b1 = capacity.run('ws-b', async () => 'b1', refusedAs);
    const b2 = capacity.run('ws-b', async () => 'b2', refusedAs);
    await expect(capacity.run('ws-a', async () => 'a-more', refusedAs)).resolves.toBe('refused: fair_share');
    // B's third request would be over its share.
    await expect(capacity.run('ws-b', async () => 'b3', refusedAs)).resolves.toBe('refused: fair_share');
    flood.release();
    await expect(Promise.all([b1, b2])).resolves.toEqual(['b1', 'b2']);
    await expect(Promise.all(floodRuns)).resolves.toEqual(['a0', 'a1', 'a2', 'a3']);
  });

  it('refuses a waiting request once its wait is over, with a retry hint in milliseconds', async () => {
    const capacity = new IssuingCapacity({ limit: 2, maxWaitMs: 50 });
    const flood = held();
    const floodRuns = [capacity.run('ws-a', () => flood.promise, refusedAs), capacity.run('ws-a', () => flood.promise, refusedAs)];
    let refusal: IssuingRefusal | undefined;
    await expect(capacity.run('ws-b', async () => 'b', (why) => ((refusal = why), 'refused'))).resolves.toBe('refused');
    expect(refusal?.reason).toBe('queue_timeout');
    expect(refusal?.retryAfterMs).toBeGreaterThanOrEqual(100);
    expect(refusal?.retryAfterMs).toBeLessThanOrEqual(200);
    flood.release();
    await Promise.all(floodRuns);
    await expect(capacity.run('ws-b', async () => 'b', refusedAs)).resolves.toBe('b');
  });

  it('waits the long time during a burst but only the target once the queue has stood for an interval (CoDel)', async () => {
    let now = 0;
    const capacity = new IssuingCapacity({ limit: 1, maxWaitMs: 60_000, queueTargetMs: 1, queueIntervalMs: 100, now: () => now });
    const busy = held();
    const holder = capacity.run('ws-a', () => busy.promise.then(() => 'held'), refusedAs);
    // A burst: the queue was empty just now, so this request may wait long.
    const burst = capacity.run('ws-b', async () => 'burst', refusedAs);
    expect(capacity.standing).toBe(false);
    // The queue has not been empty for longer than the interval: a newcomer waits only the target, and is refused.
    now = 150;
    expect(capacity.standing).toBe(true);
    await expect(capacity.run('ws-c', async () => 'late', refusedAs)).resolves.toBe('refused: queue_timeout');
    busy.release();
    await expect(Promise.all([holder, burst])).resolves.toEqual(['held', 'burst']);
    expect(capacity.standing).toBe(false);
  });

  it('admits the newest waiter first while the queue stands (adaptive LIFO), the oldest during a burst', async () => {
    let now = 0;
    const capacity = new IssuingCapacity({ limit: 1, maxWaitMs: 60_000, queueTargetMs: 60_000, queueIntervalMs: 100, now: () => now });
    const order: string[] = [];
    const step = held();
    const first = capacity.run('ws-a', () => step.promise.then(() => void order.push('a')), refusedAs);
    const waiters = ['b', 'c', 'd'].map((ws) => capacity.run(`ws-${ws}`, async () => void order.push(ws), refusedAs));
    now = 500; // standing
    step.release();
    await Promise.all([first, ...waiters]);
    expect(order).toEqual(['a', 'd', 'c', 'b']);

    now = 10_000;
    const fifo: string[] = [];
    const again = held();
    const holder = capacity.run('ws-a', () => again.promise, refusedAs);
    const queued = ['b', 'c'].map((ws) => capacity.run(`ws-${ws}`, async () => void fifo.push(ws), refusedAs));
    again.release();
    await Promise.all([holder, ...queued]);
    expect(fifo).toEqual(['b', 'c']);
  });

  it('refuses every new issue at once while the process is overloaded', async () => {
    let overloaded = true;
    const capacity = new IssuingCapacity({ limit: 10, overloaded: () => overloaded });
    await expect(capacity.run('ws-a', async () => 'issued', refusedAs)).resolves.toBe('refused: overloaded');
    overloaded = false;
    await expect(capacity.run('ws-a', async () => 'issued', refusedAs)).resolves.toBe('issued');
  });

  it('sees a standing event-loop delay as overload, and its end', async () => {
    const guard = new EventLoopDelayGuard(20, 100);
    try {
      const block = (ms: number) => {
        const until = Date.now() + ms;
        while (Date.now() < until);
      };
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(guard.overloaded).toBe(false);
      // Every sample of the next interval comes late: the loop is blocked in 60 ms slices.
      for (let i = 0; i < 6; i++) {
        block(60);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(guard.overloaded).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(guard.overloaded).toBe(false);
    } finally {
      guard.stop();
    }
  });
});
