import { IssuingCapacity } from './issuing-capacity';

describe('issuing capacity', () => {
  it('refuses at once past the limit and has room again when an issue finishes', async () => {
    const capacity = new IssuingCapacity(2);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = capacity.run(() => held.then(() => 'issued 1'), () => 'refused');
    const second = capacity.run(() => held.then(() => 'issued 2'), () => 'refused');
    await expect(capacity.run(async () => 'issued 3', () => 'refused')).resolves.toBe('refused');
    release();
    await expect(Promise.all([first, second])).resolves.toEqual(['issued 1', 'issued 2']);
    await expect(capacity.run(async () => 'issued 4', () => 'refused')).resolves.toBe('issued 4');
  });

  it('frees the place of an issue that failed', async () => {
    const capacity = new IssuingCapacity(1);
    await expect(capacity.run(async () => Promise.reject(new Error('store down')), () => 'refused')).rejects.toThrow('store down');
    await expect(capacity.run(async () => 'issued', () => 'refused')).resolves.toBe('issued');
  });
});
