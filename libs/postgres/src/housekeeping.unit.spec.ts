import { Housekeeping } from './housekeeping';

describe('housekeeping', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs first after firstAfterMs, then every everyMs; a failed run is reported and the next one still comes', async () => {
    const runs: number[] = [];
    const errors: unknown[] = [];
    let fail = true;
    const housekeeping = new Housekeeping(
      async () => {
        runs.push(Date.now());
        if (fail) {
          fail = false;
          throw new Error('database away');
        }
      },
      { firstAfterMs: 1_000, everyMs: 10_000, onError: (error) => errors.push(error) },
    );
    const start = Date.now();
    housekeeping.start();
    await jest.advanceTimersByTimeAsync(999);
    expect(runs).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs.map((at) => at - start)).toEqual([1_000]);
    expect(errors).toEqual([new Error('database away')]);
    await jest.advanceTimersByTimeAsync(20_000);
    expect(runs.map((at) => at - start)).toEqual([1_000, 11_000, 21_000]);
    expect(errors).toHaveLength(1);
    await housekeeping.stop();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(runs).toHaveLength(3);
  });

  it('stops after the run under way has finished, and schedules none after it', async () => {
    let finish!: () => void;
    let runs = 0;
    const housekeeping = new Housekeeping(
      () => {
        runs++;
        return new Promise<void>((resolve) => (finish = resolve));
      },
      { firstAfterMs: 0, everyMs: 1_000, onError: () => undefined },
    );
    housekeeping.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(runs).toBe(1);
    let stopped = false;
    const stopping = housekeeping.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(1);
  });
});
