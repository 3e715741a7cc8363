import { type BatchOutcome, GroupCommit } from './group-commit';

interface Request {
  id: string;
  key?: string;
}

function recorder(decide: (batch: readonly Request[]) => Array<BatchOutcome<string>> | Promise<Array<BatchOutcome<string>>>) {
  const batches: string[][] = [];
  const write = async (batch: readonly Request[]) => {
    batches.push(batch.map((r) => r.id));
    return decide(batch);
  };
  return { batches, write };
}

const storeDown = Object.assign(new Error('database unavailable'), { code: 'unavailable' });
const options = { maxBatch: 64, maxInFlight: 1, conflictKey: (r: Request) => r.key, isStoreFailure: (e: unknown) => e === storeDown };

describe('group commit', () => {
  it('writes the requests of one tick in one batch and answers each with its own outcome', async () => {
    const { batches, write } = recorder((batch) =>
      batch.map((r) => (r.id === 'refused' ? { error: new Error(`refused ${r.id}`) } : { answer: `issued ${r.id}` })),
    );
    const commit = new GroupCommit(write, options);
    const answers = await Promise.allSettled(['a', 'refused', 'b'].map((id) => commit.submit({ id })));
    expect(batches).toEqual([['a', 'refused', 'b']]);
    expect(answers.map((a) => (a.status === 'fulfilled' ? a.value : String((a.reason as Error).message)))).toEqual(['issued a', 'refused refused', 'issued b']);
  });

  it('gathers the requests that arrive while every transaction is busy into the next batch, up to the batch size', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { batches, write } = recorder(async (batch) => {
      if (batch[0]!.id === 'first') await held;
      return batch.map((r) => ({ answer: r.id }));
    });
    const commit = new GroupCommit(write, { ...options, maxBatch: 3 });
    const first = commit.submit({ id: 'first' });
    await new Promise((resolve) => setImmediate(resolve));
    const later = ['1', '2', '3', '4'].map((id) => commit.submit({ id }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(commit.waiting).toBe(4);
    release();
    await expect(Promise.all([first, ...later])).resolves.toEqual(['first', '1', '2', '3', '4']);
    expect(batches).toEqual([['first'], ['1', '2', '3'], ['4']]);
  });

  it('never puts two requests with the same conflict key (Idempotency-Key) in one batch', async () => {
    const { batches, write } = recorder((batch) => batch.map((r) => ({ answer: r.id })));
    const commit = new GroupCommit(write, options);
    await Promise.all([
      commit.submit({ id: 'k1', key: 'same' }),
      commit.submit({ id: 'plain' }),
      commit.submit({ id: 'k2', key: 'same' }),
      commit.submit({ id: 'other', key: 'other' }),
    ]);
    expect(batches).toEqual([['k1', 'plain', 'other'], ['k2']]);
  });

  it('writes a failed batch again one request at a time, so one bad request fails alone', async () => {
    const { batches, write } = recorder((batch) => {
      if (batch.some((r) => r.id === 'poison')) throw new Error('check constraint');
      return batch.map((r) => ({ answer: r.id }));
    });
    const commit = new GroupCommit(write, options);
    const answers = await Promise.allSettled(['a', 'poison', 'b'].map((id) => commit.submit({ id })));
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(batches).toEqual([['a', 'poison', 'b'], ['a'], ['poison'], ['b']]);
  });

  it('answers every request of a batch with the store failure, without retrying them one by one', async () => {
    const { batches, write } = recorder(() => {
      throw storeDown;
    });
    const commit = new GroupCommit(write, options);
    const answers = await Promise.allSettled(['a', 'b'].map((id) => commit.submit({ id })));
    expect(answers.map((a) => (a.status === 'rejected' ? a.reason : a.value))).toEqual([storeDown, storeDown]);
    expect(batches).toEqual([['a', 'b']]);
  });

  it('answers a request left out of its batch when its own work settles, without holding up the others or the next batch', async () => {
    let release!: (answer: string) => void;
    const alone = new Promise<string>((resolve) => (release = resolve));
    const sizes: number[] = [];
    const { batches, write } = recorder((batch) => batch.map((r) => (r.id === 'busy' ? { later: alone } : { answer: r.id })));
    const commit = new GroupCommit(write, { ...options, observeBatch: (size) => sizes.push(size) });
    const busy = commit.submit({ id: 'busy' });
    const others = await Promise.all(['a', 'b'].map((id) => commit.submit({ id })));
    expect(others).toEqual(['a', 'b']);
    // The transaction slot is free again: the next request is written while the left-out one still waits.
    await expect(commit.submit({ id: 'next' })).resolves.toBe('next');
    expect(batches).toEqual([['busy', 'a', 'b'], ['next']]);
    expect(sizes).toEqual([3, 1]);
    release('busy, alone');
    await expect(busy).resolves.toBe('busy, alone');
  });
});
