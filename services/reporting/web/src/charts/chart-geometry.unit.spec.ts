import { describe, expect, it } from 'vitest';
import { labelledIndexes, linePath, niceCeiling, stackedBars } from './chart-geometry';

const plot = { left: 0, top: 0, width: 100, height: 50 };

describe('chart geometry', () => {
  it('rounds the axis up to a round number', () => {
    expect([0, 1, 3, 7, 11, 180, 2400].map(niceCeiling)).toEqual([1, 1, 5, 10, 20, 200, 2500]);
  });

  it('stacks each bucket from the bottom in the given order, skipping zeros', () => {
    const bars = stackedBars(
      [
        { ok: 2, no: 1 },
        { ok: 0, no: 0 },
      ],
      ['ok', 'no'],
      plot,
      4,
    );
    expect(bars.map(({ bucketIndex, key, y, height }) => ({ bucketIndex, key, y, height }))).toEqual([
      { bucketIndex: 0, key: 'ok', y: 25, height: 25 },
      { bucketIndex: 0, key: 'no', y: 12.5, height: 12.5 },
    ]);
    expect(bars[0]!.x).toBe(5);
    expect(bars[0]!.width).toBe(40);
  });

  it('breaks a line where a bucket has no measurement', () => {
    expect(linePath([10, 20, null, 0], plot, 20)).toBe('M12.5 25 L37.5 0 M87.5 50');
    expect(linePath([null, null], plot, 20)).toBe('');
  });

  it('labels a few evenly spread buckets', () => {
    expect(labelledIndexes(60, 6)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(labelledIndexes(4, 6)).toEqual([0, 1, 2, 3]);
    expect(labelledIndexes(0, 6)).toEqual([]);
  });
});
