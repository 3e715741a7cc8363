import { describe, expect, it } from '@jest/globals';
import { START_POSITION, comparePositions, parsePosition, serializePosition } from './event-store.port';
import { retryDelayMs } from './retry-delay';

describe('global positions', () => {
  it('orders by major, then minor', () => {
    expect(comparePositions({ major: 1n, minor: 9n }, { major: 2n, minor: 1n })).toBe(-1);
    expect(comparePositions({ major: 2n, minor: 1n }, { major: 2n, minor: 3n })).toBe(-1);
    expect(comparePositions({ major: 2n, minor: 3n }, { major: 2n, minor: 3n })).toBe(0);
    expect(comparePositions({ major: 3n, minor: 0n }, { major: 2n, minor: 30n })).toBe(1);
  });

  it('puts the start before every real position', () => {
    expect(comparePositions(START_POSITION, { major: 0n, minor: 0n })).toBe(-1);
  });

  it('round-trips through text, beyond the range of a JS number', () => {
    const position = { major: 18446744073709551615n, minor: 9007199254740993n };
    expect(parsePosition(serializePosition(position))).toEqual(position);
    expect(parsePosition(serializePosition(START_POSITION))).toEqual(START_POSITION);
  });

  it('rejects text that is not a position', () => {
    expect(() => parsePosition('12')).toThrow('not a global position');
    expect(() => parsePosition('1:2:3')).toThrow('not a global position');
    expect(() => parsePosition('a:b')).toThrow('not a global position');
  });
});

describe('retry delay', () => {
  it('doubles from the minimum and stops at the maximum', () => {
    expect([0, 1, 2, 3, 10, 1000].map((failures) => retryDelayMs(failures, 100, 1_000))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });
});
