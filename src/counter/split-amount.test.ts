import { describe, expect, it } from 'vitest';
import { splitAmount } from './split-amount.js';

describe('splitAmount', () => {
  it.each([
    [7, 3, [3, 2, 2]],
    [1, 10, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    [0, 5, [0, 0, 0, 0, 0]],
    [10, 1, [10]],
  ])('should spread %i over %i as %j', (total, parts, expected) => {
    expect(splitAmount(total, parts)).toEqual(expected);
  });

  it('should stay exact at the top of the safe integer range', () => {
    const parts = splitAmount(Number.MAX_SAFE_INTEGER, 7);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(Number.MAX_SAFE_INTEGER);
  });
});
