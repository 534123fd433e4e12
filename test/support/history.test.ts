import { describe, expect, it } from 'vitest';
import {
  bounds,
  checkHistory,
  checkQuiet,
  History,
  outcomeOf,
  subsetSums,
  type HistoryData,
  type OpRecord,
  type ReadRecord,
} from './history.js';

const op = (delta: number, start: number, end: number, outcome: OpRecord['outcome']): OpRecord => ({
  delta,
  start,
  end,
  outcome,
});
const read = (value: number, start: number, end: number): ReadRecord => ({ value, start, end });

function history(ops: OpRecord[], reads: ReadRecord[], initial = 100, bounded = true): HistoryData {
  return { initial, bounded, ops, reads };
}

describe('checkHistory', () => {
  it('should pass reads that see exactly the acknowledged deltas', () => {
    const h = history(
      [op(5, 0, 10, 'ok'), op(-3, 20, 30, 'ok')],
      [read(100, -5, -1), read(105, 11, 15), read(102, 31, 40)],
    );
    expect(checkHistory(h)).toEqual({ violations: [], readsChecked: 3, refusalsChecked: 0 });
  });

  it('should accept either value of an operation that overlaps the read', () => {
    const ops = [op(-4, 0, 10, 'ok'), op(7, 0, 10, 'ok')];
    for (const value of [100, 96, 107, 103]) {
      expect(checkHistory(history(ops, [read(value, 5, 6)])).violations).toEqual([]);
    }
    expect(checkHistory(history(ops, [read(95, 5, 6)])).violations).toHaveLength(1);
    expect(checkHistory(history(ops, [read(108, 5, 6)])).violations).toHaveLength(1);
  });

  it('should fail a read that misses an acknowledged decrement', () => {
    const h = history([op(-3, 0, 10, 'ok')], [read(100, 11, 12)]);
    expect(checkHistory(h).violations).toEqual([expect.stringContaining('outside [97, 97]')]);
  });

  it('should fail a read that counts an increment twice', () => {
    const h = history([op(2, 0, 10, 'ok')], [read(104, 11, 12)]);
    expect(checkHistory(h).violations).toHaveLength(1);
  });

  it('should fail a read that sees a failed or refused operation', () => {
    const ops = [op(-5, 0, 10, 'failed'), op(-200, 0, 10, 'refused')];
    const h = history(ops, [read(95, 5, 20)]);
    expect(checkHistory(h).violations).toHaveLength(1);
  });

  it('should allow an unknown operation to land at any time, even after it ended', () => {
    const ops = [op(-6, 0, 10, 'unknown')];
    expect(checkHistory(history(ops, [read(100, 50, 60), read(94, 70, 80)])).violations).toEqual(
      [],
    );
    expect(checkHistory(history(ops, [read(94, -10, -5)])).violations).toHaveLength(1);
  });

  it('should ignore operations that started after the read ended', () => {
    const h = history([op(1, 10, 20, 'ok')], [read(101, 0, 10)]);
    expect(checkHistory(h).violations).toHaveLength(1);
  });

  it('should fail a bounded counter read below zero, but not an unbounded one', () => {
    const ops = [op(-3, 0, 10, 'ok')];
    expect(checkHistory(history(ops, [read(-1, 11, 12)], 2, true)).violations).toEqual([
      expect.stringContaining('below zero'),
    ]);
    expect(checkHistory(history(ops, [read(-1, 11, 12)], 2, false)).violations).toEqual([]);
  });

  it('should fail a decrement refused while the counter surely held enough', () => {
    const h = history([op(-5, 0, 10, 'refused')], [], 5);
    expect(checkHistory(h)).toMatchObject({
      violations: [expect.stringContaining('refused')],
      refusalsChecked: 1,
    });
  });

  it('should accept a refusal when a concurrent decrement may have taken the units', () => {
    const h = history([op(-3, 0, 10, 'unknown'), op(-5, 5, 10, 'refused')], [], 5);
    expect(checkHistory(h).violations).toEqual([]);
  });

  it('should cap the number of reported violations', () => {
    const reads = Array.from({ length: 50 }, (_, i) => read(0, i, i + 1));
    const { violations } = checkHistory(history([], reads));
    expect(violations).toHaveLength(21);
    expect(violations[20]).toContain('30 more');
  });
});

describe('bounds', () => {
  it('should widen by unknown increments up and by unknown decrements down', () => {
    const h = history([op(3, 0, 1, 'unknown'), op(-2, 0, 1, 'unknown'), op(1, 0, 1, 'ok')], []);
    expect(bounds(h, 5, 6)).toEqual([99, 104]);
  });
});

describe('checkQuiet', () => {
  const ops = [
    op(5, 0, 1, 'ok'),
    op(-2, 0, 1, 'ok'),
    op(-4, 0, 1, 'unknown'),
    op(3, 0, 1, 'unknown'),
    op(9, 0, 1, 'failed'),
  ];

  it('should accept the acknowledged total plus any subset of the unknown deltas', () => {
    for (const value of [103, 99, 106, 102]) {
      expect(checkQuiet(history(ops, []), value)).toEqual([]);
    }
  });

  it('should refuse any other value', () => {
    for (const value of [100, 101, 104, 112]) {
      expect(checkQuiet(history(ops, []), value)).toHaveLength(1);
    }
  });
});

describe('subsetSums', () => {
  it('should list every subset sum', () => {
    expect([...subsetSums([1, 2, -4])].sort((a, b) => a - b)).toEqual([-4, -3, -2, -1, 0, 1, 2, 3]);
  });

  it('should stay small for many small deltas', () => {
    const sums = subsetSums(Array.from({ length: 500 }, (_, i) => (i % 5) + 1));
    expect(sums.size).toBe(1501);
  });
});

describe('outcomeOf', () => {
  it.each([
    [200, undefined, 'ok'],
    [409, 'insufficient', 'refused'],
    [409, 'busy', 'failed'],
    [429, 'throttled', 'failed'],
    [503, 'store_unavailable', 'failed'],
    [503, 'contended', 'failed'],
    [503, 'outcome_unknown', 'unknown'],
    [500, 'internal', 'unknown'],
    [502, undefined, 'unknown'],
  ] as const)('should classify %i %s as %s', (status, code, outcome) => {
    expect(outcomeOf(status, code)).toBe(outcome);
  });
});

describe('History', () => {
  it('should record operations and reads with the clock it is given', async () => {
    let t = 0;
    const h = new History(10, true, () => t++);

    await h.apply(-1, async () => ({ outcome: 'ok' }));
    await h.apply(2, async () => ({ outcome: 'unknown', detail: 'outcome_unknown' }));
    await h.read(async () => 9);
    await h.read(async () => undefined);

    expect(h.ops).toEqual([
      { delta: -1, start: 0, end: 1, outcome: 'ok', detail: undefined },
      { delta: 2, start: 2, end: 3, outcome: 'unknown', detail: 'outcome_unknown' },
    ]);
    expect(h.reads).toEqual([{ start: 4, end: 5, value: 9 }]);
    expect(h.counts()).toEqual({
      operations: 2,
      ok: 1,
      refused: 0,
      failed: 0,
      unknown: 1,
      reads: 1,
    });
    expect(checkHistory(h).violations).toEqual([]);
  });
});
