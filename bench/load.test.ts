import { describe, expect, it } from 'vitest';
import { combineLoads, emptyLoad, type LoadResult } from './load.js';

const run = (over: Partial<LoadResult>): LoadResult => ({ ...emptyLoad(), ...over });

describe('combineLoads', () => {
  it('should add counts and time and pool latencies, so rates come from the totals', () => {
    const combined = combineLoads([
      run({ requests: 10, ok: 9, non2xx: 1, elapsedMs: 100, latencies: [1, 2] }),
      run({ requests: 30, ok: 28, errors: 2, elapsedMs: 300, latencies: [3] }),
    ]);

    expect(combined).toEqual({
      requests: 40,
      ok: 37,
      non2xx: 1,
      errors: 2,
      elapsedMs: 400,
      latencies: [1, 2, 3],
      cutShort: false,
    });
  });

  it('should call the whole cut short if any round was', () => {
    expect(combineLoads([run({}), run({ cutShort: true })]).cutShort).toBe(true);
  });
});
