import { EventLoopDelayGuard, IssuingCapacity, type IssuingRefusal } from './issuing-capacity';

function held() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

const refusedAs = (refusal: IssuingRefusal) => `refused: ${refusal.reason}`;

describe('issuing capacity', () => {
  it('queues a burst past the share, refuses past twice the share, and has room again when an issue finishes', async () => {
    const capacity = new IssuingCapacity({ limit: 2, maxWaitMs: 2000 });
    const { promise, release } = held();
    const first = capacity.run('ws-a', () => promise.then(() => 'issued 1'), refusedAs);
    const second = capacity.run('ws-a', () => promise.then(() => 'issued 2'), refusedAs);
    const third = capacity.run('ws-a', async () => 'issued 3', refusedAs);
    const fourth = capacity.run('ws-a', async () => 'issued 4', refusedAs);
    expect(capacity.queueLength).toBe(2);
    await expect(capacity.run('ws-a', async () => 'issued 5', refusedAs)).resolves.toBe('refused: fair_share');
    release();
    await expect(Promise.all([first, second, third, fourth])).resolves.toEqual(['issued 1', 'issued 2', 'issued 3', 'issued 4']);
    await expect(capacity.run('ws-a', async () => 'issued 6', refusedAs)).resolves.toBe('issued 6');
  });

  it('frees the place of an issue that failed', async () => {
    const capacity = new IssuingCapacity({ limit: 1 });
    await expect(capacity.run('ws-a', async () => Promise.reject(new Error('store down')), refusedAs)).rejects.toThrow('store down');
    await expect(capacity.run('ws-a', async () => 'issued', refusedAs)).resolves.toBe('issued');
  });

  it("admits a second workspace within its share at once, borrowing the first one's places, and queues the first one's excess", async () => {
    const capacity = new IssuingCapacity({ limit: 4, maxWaitMs: 2000 });
    const flood = held();
    const floodRuns = Array.from({ length: 4 }, (_, i) => capacity.run('ws-a', () => flood.promise.then(() => `a${i}`), refusedAs));
    expect(capacity.inFlightOf('ws-a')).toBe(4);
    // B is within its share (2 of 4, with two workspaces busy): admitted at once although A holds every place.
    const bHeld = held();
    const b1 = capacity.run('ws-b', () => bHeld.promise.then(() => 'b1'), refusedAs);
    const b2 = capacity.run('ws-b', () => bHeld.promise.then(() => 'b2'), refusedAs);
    expect(capacity.inFlightOf('ws-b')).toBe(2);
    expect(capacity.queueLength).toBe(0);
    // A is over its share now: its next request is refused at once (4 in flight is twice its share of 2).
    await expect(capacity.run('ws-a', async () => 'a-more', refusedAs)).resolves.toBe('refused: fair_share');
    // B's third request, at its share, waits for a free place.
    const b3 = capacity.run('ws-b', async () => 'b3', refusedAs);
    expect(capacity.queueLength).toBe(1);
    bHeld.release();
    await expect(Promise.all([b1, b2])).resolves.toEqual(['b1', 'b2']);
    flood.release();
    await expect(Promise.all(floodRuns)).resolves.toEqual(['a0', 'a1', 'a2', 'a3']);
    await expect(b3).resolves.toBe('b3');
  });

  it('refuses a waiting request once its wait is over, with a retry hint in milliseconds', async () => {
    const capacity = new IssuingCapacity({ limit: 2, maxWaitMs: 50 });
    const flood = held();
    const floodRuns = [capacity.run('ws-a', () => flood.promise, refusedAs), capacity.run('ws-a', () => flood.promise, refusedAs)];
    let refusal: IssuingRefusal | undefined;
    await expect(
      capacity.run(
        'ws-a',
        async () => 'a',
        (why) => ((refusal = why), 'refused'),
      ),
    ).resolves.toBe('refused');
    expect(refusal?.reason).toBe('queue_timeout');
    expect(refusal?.retryAfterMs).toBeGreaterThanOrEqual(100);
    expect(refusal?.retryAfterMs).toBeLessThanOrEqual(200);
    flood.release();
    await Promise.all(floodRuns);
    await expect(capacity.run('ws-a', async () => 'a', refusedAs)).resolves.toBe('a');
  });

  it('waits the long time during a burst but only the target once the queue has stood for an interval (CoDel)', async () => {
    let now = 0;
    const capacity = new IssuingCapacity({ limit: 2, maxWaitMs: 60_000, queueTargetMs: 1, queueIntervalMs: 100, now: () => now });
    const busy = held();
    const holders = [1, 2].map((i) => capacity.run('ws-a', () => busy.promise.then(() => `held ${i}`), refusedAs));
    // A burst: the queue was empty just now, so this request may wait long.
    const burst = capacity.run('ws-a', async () => 'burst', refusedAs);
    expect(capacity.standing).toBe(false);
    // The queue has not been empty for longer than the interval: a newcomer waits only the target, and is refused.
    now = 150;
    expect(capacity.standing).toBe(true);
    await expect(capacity.run('ws-a', async () => 'late', refusedAs)).resolves.toBe('refused: queue_timeout');
    busy.release();
    await expect(Promise.all([...holders, burst])).resolves.toEqual(['held 1', 'held 2', 'burst']);
    expect(capacity.standing).toBe(false);
  });

  it('admits the newest waiter first while the queue stands (adaptive LIFO), the oldest during a burst', async () => {
    let now = 0;
    const capacity = new IssuingCapacity({ limit: 3, maxWaitMs: 60_000, queueTargetMs: 60_000, queueIntervalMs: 100, now: () => now });
    const order: string[] = [];
    const step = held();
    const holders = [1, 2, 3].map(() => capacity.run('ws-a', () => step.promise.then(() => void order.push('held')), refusedAs));
    const waiters = ['b', 'c', 'd'].map((name) => capacity.run('ws-a', async () => void order.push(name), refusedAs));
    expect(capacity.queueLength).toBe(3);
    now = 500; // standing
    step.release();
    await Promise.all([...holders, ...waiters]);
    expect(order).toEqual(['held', 'held', 'held', 'd', 'c', 'b']);

    now = 10_000;
    const fifo: string[] = [];
    const again = held();
    const holding = [1, 2, 3].map(() => capacity.run('ws-a', () => again.promise, refusedAs));
    const queued = ['b', 'c'].map((name) => capacity.run('ws-a', async () => void fifo.push(name), refusedAs));
    again.release();
    await Promise.all([...holding, ...queued]);
    expect(fifo).toEqual(['b', 'c']);
  });

  it('while the process is overloaded, queues nothing and lets each workspace have one issue in flight', async () => {
    let overloaded = true;
    const capacity = new IssuingCapacity({ limit: 10, overloaded: () => overloaded });
    const busy = held();
    const first = capacity.run('ws-a', () => busy.promise.then(() => 'a issued'), refusedAs);
    await expect(capacity.run('ws-a', async () => 'a again', refusedAs)).resolves.toBe('refused: overloaded');
    // Another tenant still signs its user in.
    await expect(capacity.run('ws-b', async () => 'b issued', refusedAs)).resolves.toBe('b issued');
    expect(capacity.queueLength).toBe(0);
    busy.release();
    await expect(first).resolves.toBe('a issued');
    overloaded = false;
    const many = await Promise.all([1, 2, 3].map((i) => capacity.run('ws-a', async () => `a${i}`, refusedAs)));
    expect(many).toEqual(['a1', 'a2', 'a3']);
  });

  it('tells without admitting whether an overloaded process would refuse a workspace at once', async () => {
    let overloaded = false;
    let asked = 0;
    const capacity = new IssuingCapacity({
      limit: 10,
      overloaded: () => {
        asked++;
        return overloaded;
      },
    });
    // Nothing in flight for the workspace: never refused for overload, and the guard is not even asked.
    overloaded = true;
    expect(capacity.refusalWhileOverloaded('ws-a')).toBeUndefined();
    expect(asked).toBe(0);
    const busy = held();
    overloaded = false;
    const first = capacity.run('ws-a', () => busy.promise.then(() => 'a issued'), refusedAs);
    expect(capacity.refusalWhileOverloaded('ws-a')).toBeUndefined();
    overloaded = true;
    expect(capacity.refusalWhileOverloaded('ws-a')).toEqual({ reason: 'overloaded', retryAfterMs: expect.any(Number) });
    expect(capacity.refusalWhileOverloaded('ws-b')).toBeUndefined();
    // Asking took no place: the workspace still has exactly its one issue in flight.
    expect(capacity.inFlightOf('ws-a')).toBe(1);
    busy.release();
    await expect(first).resolves.toBe('a issued');
    expect(capacity.refusalWhileOverloaded('ws-a')).toBeUndefined();
  });

  it('samples the event loop only while it is asked, and stops after quiet intervals', async () => {
    // A target no delay of this test reaches: only the reads decide whether it samples.
    const guard = new EventLoopDelayGuard(1_000, 20, 10);
    try {
      expect(guard.sampling).toBe(false);
      expect(guard.overloaded).toBe(false);
      expect(guard.sampling).toBe(true);
      // Asked within every interval: it keeps sampling.
      for (let i = 0; i < 5; i++) {
        await new Promise((resolve) => setTimeout(resolve, 15));
        void guard.overloaded;
      }
      expect(guard.sampling).toBe(true);
      // Ten intervals with no read: it stops, and the next read starts it again. An interval without a sample (a
      // busy machine delays the histogram's own timer) counts as a delay and restarts the quiet count, so the test
      // waits for the stop with a generous deadline rather than for a fixed time.
      const deadline = Date.now() + 10_000;
      while (guard.sampling && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(guard.sampling).toBe(false);
      expect(guard.overloaded).toBe(false);
      expect(guard.sampling).toBe(true);
    } finally {
      guard.stop();
    }
    expect(guard.sampling).toBe(false);
  });

  it("counts only the delay beyond the sampling timer's own period: an idle loop is not overloaded at a small target", async () => {
    // monitorEventLoopDelay records the time since its 10 ms timer last ran: about 10 ms on an idle loop. Read as the
    // delay, any target under 10 ms meant "always overloaded", and 50 ms meant 40 ms of delay.
    const guard = new EventLoopDelayGuard(8, 100);
    try {
      void guard.overloaded;
      await new Promise((resolve) => setTimeout(resolve, 150));
      const reads: boolean[] = [];
      for (let i = 0; i < 6; i++) {
        await new Promise((resolve) => setTimeout(resolve, 110));
        reads.push(guard.overloaded);
      }
      // A whole interval of samples each 8 ms late would take a starved machine; one idle interval is enough.
      expect(reads).toContain(false);
    } finally {
      guard.stop();
    }
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
