import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { OffsetCommitter, type PartitionPosition } from './offset-committer';

function committer(commit: (positions: PartitionPosition[]) => Promise<void>, intervalMs = 200) {
  const errors: unknown[] = [];
  return { errors, offsets: new OffsetCommitter({ commit, intervalMs, onError: (error) => errors.push(error) }) };
}

const position = (topic: string, partition: number, offset: string): PartitionPosition => ({ topic, partition, offset });

describe('OffsetCommitter', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('commits what settles within an interval in one request: the newest position of each partition', async () => {
    const commits: PartitionPosition[][] = [];
    const { offsets } = committer(async (positions) => void commits.push(positions));
    for (let offset = 0; offset < 30; offset++) offsets.settled('t', offset % 3, String(offset));
    offsets.settled('u', 0, '7');
    expect(commits).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(0);
    // The first settle of an idle member commits at once; the rest wait for the interval.
    expect(commits).toHaveLength(1);
    for (let offset = 30; offset < 60; offset++) offsets.settled('t', offset % 3, String(offset));
    await jest.advanceTimersByTimeAsync(199);
    expect(commits).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(commits).toHaveLength(2);
    expect(commits[1]).toEqual([position('t', 0, '58'), position('t', 1, '59'), position('t', 2, '60')]);
    // Nothing settled: no request, no timer.
    await jest.advanceTimersByTimeAsync(5000);
    expect(commits).toHaveLength(2);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('never sends a commit while another is under way, and sends what settled meanwhile right after it', async () => {
    const commits: PartitionPosition[][] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { offsets } = committer(async (positions) => {
      commits.push(positions);
      if (commits.length === 1) await held;
    });
    offsets.settled('t', 0, '1');
    await jest.advanceTimersByTimeAsync(0);
    offsets.settled('t', 0, '2');
    offsets.settled('t', 1, '5');
    await jest.advanceTimersByTimeAsync(1000);
    expect(commits).toHaveLength(1);
    release();
    await jest.advanceTimersByTimeAsync(0);
    expect(commits).toEqual([[position('t', 0, '2')], [position('t', 0, '3'), position('t', 1, '6')]]);
  });

  it('keeps the positions of a failed commit for the next one, unless a newer one settled', async () => {
    const commits: PartitionPosition[][] = [];
    const { offsets, errors } = committer(async (positions) => {
      commits.push(positions);
      if (commits.length === 1) {
        offsets.settled('t', 0, '9');
        throw new Error('coordinator moved');
      }
    });
    offsets.settled('t', 0, '1');
    offsets.settled('t', 1, '4');
    await jest.advanceTimersByTimeAsync(0);
    expect(errors).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(200);
    expect(commits[1]).toEqual([position('t', 0, '10'), position('t', 1, '5')]);
  });

  it('flushes at once, after the commit under way, and forgets partitions that moved to another member', async () => {
    const commits: PartitionPosition[][] = [];
    const { offsets } = committer(async (positions) => void commits.push(positions));
    offsets.settled('t', 0, '1');
    await jest.advanceTimersByTimeAsync(0);
    offsets.settled('t', 0, '2');
    offsets.settled('t', 1, '3');
    offsets.settled('t', 2, '4');
    offsets.retainOnly([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 2 },
    ]);
    await offsets.flush();
    expect(commits).toEqual([[position('t', 0, '2')], [position('t', 0, '3'), position('t', 2, '5')]]);
    offsets.stop();
    offsets.settled('t', 0, '8');
    await jest.advanceTimersByTimeAsync(1000);
    expect(commits).toHaveLength(2);
    await offsets.flush();
    expect(commits[2]).toEqual([position('t', 0, '9')]);
  });
});
