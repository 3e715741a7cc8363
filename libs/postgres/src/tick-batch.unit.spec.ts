import { TickBatch } from './tick-batch';

describe('tick batch', () => {
  it('answers the calls of one tick with one run, each with its own result', async () => {
    const runs: string[][] = [];
    const batch = new TickBatch<string, string>(async (keys) => {
      runs.push([...keys]);
      return keys.map((k) => k.toUpperCase());
    });
    await expect(Promise.all(['a', 'b', 'c'].map((k) => batch.load(k)))).resolves.toEqual(['A', 'B', 'C']);
    await expect(batch.load('d')).resolves.toBe('D');
    expect(runs).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('splits a large tick into runs of at most the batch size', async () => {
    const sizes: number[] = [];
    const batch = new TickBatch<number, number>(async (keys) => {
      sizes.push(keys.length);
      return keys.map((k) => k * 2);
    }, 2);
    await expect(Promise.all([1, 2, 3, 4, 5].map((k) => batch.load(k)))).resolves.toEqual([2, 4, 6, 8, 10]);
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('fails every call of a run that fails, and the next tick runs anew', async () => {
    let fail = true;
    const batch = new TickBatch<string, string>(async (keys) => {
      if (fail) throw new Error('database unavailable');
      return keys;
    });
    const failed = await Promise.allSettled(['a', 'b'].map((k) => batch.load(k)));
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(batch.load('c')).resolves.toBe('c');
  });
});
