import { describe, expect, it } from 'vitest';
import type { LoadResult } from './load.js';
import { exactness, formatTable, percentile, toRow, withRatios, type Row } from './report.js';

function load(overrides: Partial<LoadResult> = {}): LoadResult {
  return {
    requests: 1000,
    ok: 990,
    non2xx: 10,
    errors: 0,
    elapsedMs: 2000,
    latencies: Array.from({ length: 100 }, (_, i) => i + 1),
    cutShort: false,
    ...overrides,
  };
}

describe('toRow', () => {
  it('should turn a run and the counters around it into the reported figures', () => {
    const row = toRow(
      'single-doc-occ',
      16,
      load(),
      { storeRequests: 100, storeConnections: 0, retries: 5, value: 10_000 },
      { storeRequests: 2600, storeConnections: 0, retries: 500, value: 9_010 },
    );
    expect(row).toMatchObject({
      opsPerSec: 495,
      p50Ms: 50,
      p99Ms: 99,
      non2xxShare: 0.01,
      storeRequestsPerOp: 2.5,
      retriesPerSuccess: 0.5,
      storeRequests: 2500,
      retries: 495,
      exactness: { ok: true, start: 10_000, end: 9_010, expected: 9_010 },
    });
  });

  it('should report retries only for single-doc-occ', () => {
    const stats = { storeRequests: 0, storeConnections: 0, retries: 0, value: 0 };
    expect(
      toRow('distributed', 1, load(), stats, { ...stats, value: -990 }).retriesPerSuccess,
    ).toBeNull();
  });

  it('should count unanswered requests in the non-2xx share', () => {
    const stats = { storeRequests: 0, storeConnections: 0, retries: 0, value: 0 };
    const row = toRow('http-ceiling', 1, load({ non2xx: 0, errors: 20 }), stats, stats);
    expect(row.non2xxShare).toBeCloseTo(0.02);
  });
});

describe('exactness', () => {
  it('should pass when the count dropped by exactly the acknowledged decrements', () => {
    expect(exactness(1000, 10, load()).ok).toBe(true);
  });

  it('should fail a count that drifted, in either direction', () => {
    expect(exactness(1000, 11, load())).toMatchObject({ ok: false, expected: 10 });
    expect(exactness(1000, 9, load())).toMatchObject({ ok: false, expected: 10 });
  });

  it('should not judge a difference that unanswered requests could explain', () => {
    expect(exactness(1000, 7, load({ errors: 3 }))).toMatchObject({ ok: null });
    expect(exactness(1000, 6, load({ errors: 3 })).ok).toBe(false);
    expect(exactness(1000, 11, load({ errors: 3 })).ok).toBe(false);
  });

  it('should not judge a run that was cut short, unless it is exact anyway', () => {
    expect(exactness(1000, 5, load({ cutShort: true })).ok).toBeNull();
    expect(exactness(1000, 10, load({ cutShort: true })).ok).toBe(true);
  });
});

describe('withRatios', () => {
  it('should divide by http-ceiling at the same concurrency only', () => {
    const base = toRow(
      'http-ceiling',
      1,
      load(),
      { storeRequests: 0, storeConnections: 0, retries: 0, value: 0 },
      { storeRequests: 0, storeConnections: 0, retries: 0, value: -990 },
    );
    const rows: Row[] = [
      { ...base, scenario: 'http-ceiling', connections: 16, opsPerSec: 20_000 },
      { ...base, scenario: 'distributed', connections: 16, opsPerSec: 1_000 },
      { ...base, scenario: 'distributed', connections: 64, opsPerSec: 1_500 },
    ];
    expect(withRatios(rows).map((r) => r.ratioToCeiling)).toEqual([1, 0.05, null]);
  });
});

describe('percentile', () => {
  it('should use the nearest rank', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 99)).toBe(5);
    expect(percentile([5, 1, 4, 2, 3], 0)).toBe(1);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe('formatTable', () => {
  it('should align the columns and order rows by scenario, then connections', () => {
    const stats = { storeRequests: 0, storeConnections: 0, retries: 0, value: 0 };
    const rows = withRatios([
      toRow('distributed', 16, load(), stats, {
        storeRequests: 500,
        storeConnections: 0,
        retries: 0,
        value: -990,
      }),
      toRow('http-ceiling', 16, load({ ok: 1000, non2xx: 0 }), stats, { ...stats, value: -1000 }),
      toRow('single-doc-occ', 16, load(), stats, {
        storeRequests: 3000,
        storeConnections: 0,
        retries: 99,
        value: -991,
      }),
    ]);
    const lines = formatTable(rows).split('\n');

    expect(lines[0]).toMatch(
      /^scenario +conns +ops\/s +p50 ms +p99 ms +non-2xx +store req\/op +retries\/ok +x ceiling +exact$/,
    );
    expect(lines.slice(2).map((l) => l.split(/ +/)[0])).toEqual([
      'http-ceiling',
      'single-doc-occ',
      'distributed',
    ]);
    expect(lines[2]).toMatch(/^http-ceiling +16 +500 +50\.0 +99\.0 +0\.0% +0\.00 +- +1\.000 +yes$/);
    expect(lines[3]).toMatch(/ 3\.00 +0\.10 +0\.990 +NO$/);
    expect(lines[4]).toMatch(/ 0\.50 +- +0\.990 +yes$/);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });
});
