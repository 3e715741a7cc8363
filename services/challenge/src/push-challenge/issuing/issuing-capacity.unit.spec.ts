import { IssuingCapacity } from './issuing-capacity';

function held() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe('issuing capacity', () => {
  it('refuses at once past the limit and has room again when an issue finishes', async () => {
    const capacity = new IssuingCapacity(2);
    const { promise, release } = held();
    const first = capacity.run('ws-a', () => promise.then(() => 'issued 1'), () => 'refused');
    const second = capacity.run('ws-a', () => promise.then(() => 'issued 2'), () => 'refused');
    await expect(capacity.run('ws-a', async () => 'issued 3', () => 'refused')).resolves.toBe('refused');
    release();
    await expect(Promise.all([first, second])).resolves.toEqual(['issued 1', 'issued 2']);
    await expect(capacity.run('ws-a', async () => 'issued 4', () => 'refused')).resolves.toBe('issued 4');
  });

  it('frees the place of an issue that failed', async () => {
    const capacity = new IssuingCapacity(1);
    await expect(capacity.run('ws-a', async () => Promise.reject(new Error('store down')), () => 'refused')).rejects.toThrow('store down');
    await expect(capacity.run('ws-a', async () => 'issued', () => 'refused')).resolves.toBe('issued');
  });

  it("gives a second workspace the places the first one frees, and refuses the first one's excess meanwhile", async () => {
    const capacity = new IssuingCapacity(4);
    const flood = held();
    const floodRuns = Array.from({ length: 4 }, (_, i) => capacity.run('ws-a', () => flood.promise.then(() => `a${i}`), () => 'refused'));
    expect(capacity.inFlightOf('ws-a')).toBe(4);
    // B waits for a place within its share (2 of 4, with two workspaces busy); A is over its share: refused at once.
    const b1 = capacity.run('ws-b', async () => 'b1', () => 'refused');
    const b2 = capacity.run('ws-b', async () => 'b2', () => 'refused');
    await expect(capacity.run('ws-a', async () => 'a-more', () => 'refused')).resolves.toBe('refused');
    // B's third request would be over its share.
    await expect(capacity.run('ws-b', async () => 'b3', () => 'refused')).resolves.toBe('refused');
    flood.release();
    await expect(Promise.all([b1, b2])).resolves.toEqual(['b1', 'b2']);
    await expect(Promise.all(floodRuns)).resolves.toEqual(['a0', 'a1', 'a2', 'a3']);
  });

  it('refuses a waiting request once its wait is over', async () => {
    const capacity = new IssuingCapacity(2, 50);
    const flood = held();
    const floodRuns = [capacity.run('ws-a', () => flood.promise, () => 'refused'), capacity.run('ws-a', () => flood.promise, () => 'refused')];
    await expect(capacity.run('ws-b', async () => 'b', () => 'refused')).resolves.toBe('refused');
    flood.release();
    await Promise.all(floodRuns);
    await expect(capacity.run('ws-b', async () => 'b', () => 'refused')).resolves.toBe('b');
  });
});
