import { describe, expect, it } from '@jest/globals';
import { PartitionBatchCoalescer } from './partition-batch-coalescer';

class Outage extends Error {}

function coalescer(handle: (items: readonly string[]) => Promise<void>, maxItems = 100) {
  return new PartitionBatchCoalescer<string>(handle, { maxItems, isInfrastructureFailure: (error) => error instanceof Outage });
}

describe('PartitionBatchCoalescer', () => {
  it('applies the batches handed over in the same turn in one call, each partition in its order', async () => {
    const calls: string[][] = [];
    const batches = coalescer(async (items) => {
      calls.push([...items]);
    });
    await Promise.all([batches.apply(['a1', 'a2']), batches.apply(['b1']), batches.apply(['c1', 'c2'])]);
    expect(calls).toEqual([['a1', 'a2', 'b1', 'c1', 'c2']]);
    await batches.apply(['d1']);
    expect(calls).toHaveLength(2);
  });

  it('runs one call at a time: batches handed over while it runs go together in the next call', async () => {
    const calls: string[][] = [];
    let release!: () => void;
    const firstCallHeld = new Promise<void>((resolve) => (release = resolve));
    const batches = coalescer(async (items) => {
      calls.push([...items]);
      if (calls.length === 1) await firstCallHeld;
    });
    const first = batches.apply(['a1']);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [batches.apply(['b1']), new Promise((resolve) => setTimeout(resolve, 5)).then(() => batches.apply(['c1']))];
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toEqual([['a1']]);
    release();
    await Promise.all([first, ...later]);
    expect(calls).toEqual([['a1'], ['b1', 'c1']]);
  });

  it('never puts more than maxItems records in one call (a batch larger than that goes alone)', async () => {
    const calls: string[][] = [];
    const batches = coalescer(async (items) => {
      calls.push([...items]);
    }, 3);
    await Promise.all([batches.apply(['a1', 'a2']), batches.apply(['b1']), batches.apply(['c1', 'c2']), batches.apply(['d1', 'd2', 'd3', 'd4'])]);
    expect(calls).toEqual([
      ['a1', 'a2', 'b1'],
      ['c1', 'c2'],
      ['d1', 'd2', 'd3', 'd4'],
    ]);
  });

  it('when a record is refused, applies each batch alone: only the batch that holds it fails', async () => {
    const calls: string[][] = [];
    const batches = coalescer(async (items) => {
      calls.push([...items]);
      if (items.includes('poison')) throw new Error('refused');
    });
    const outcomes = await Promise.allSettled([batches.apply(['a1']), batches.apply(['b1', 'poison']), batches.apply(['c1'])]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(calls).toEqual([['a1', 'b1', 'poison', 'c1'], ['a1'], ['b1', 'poison'], ['c1']]);
  });

  it('fails every batch of the call at once when the infrastructure fails, without applying them again', async () => {
    let calls = 0;
    const batches = coalescer(async () => {
      calls += 1;
      throw new Outage('database down');
    });
    const outcomes = await Promise.allSettled([batches.apply(['a1']), batches.apply(['b1'])]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(1);
  });
});
