import { describe, expect, it } from 'vitest';
import type { Snapshot } from './stats.js';
import { formatMs, formatSummary } from './summary.js';

const stats: Snapshot = {
  attempts: 400,
  successes: 300,
  insufficient: 95,
  errors: 5,
  errorReasons: [
    ['503 store_unavailable', 3],
    ['timeout', 2],
  ],
  unitsDecremented: 600,
  p50Ms: 4.2,
  p99Ms: 31.75,
};

describe('formatSummary', () => {
  it('should list every count, the rates and the latencies', () => {
    const text = formatSummary({
      stats,
      elapsedMs: 10_000,
      startAggregate: 1000,
      finalAggregate: 400,
    });

    expect(text).toContain('attempts           400');
    expect(text).toContain('successes          300');
    expect(text).toContain('insufficient       95');
    expect(text).toContain('errors             5 (3× 503 store_unavailable, 2× timeout)');
    expect(text).toContain('units decremented  600');
    expect(text).toContain('throughput         40.0 ops/s (30.0 successful/s)');
    expect(text).toContain('latency p50        4.20 ms');
    expect(text).toContain('latency p99        31.8 ms');
    expect(text).toContain('final aggregate    400');
  });

  it('should confirm an aggregate that matches the units decremented', () => {
    const text = formatSummary({
      stats,
      elapsedMs: 1000,
      startAggregate: 1000,
      finalAggregate: 400,
    });
    expect(text).toContain('aggregate check    ok: 1000 at start - 600 decremented = 400');
  });

  it('should say by how much an aggregate differs, and why it may', () => {
    const text = formatSummary({
      stats,
      elapsedMs: 1000,
      startAggregate: 1000,
      finalAggregate: 398,
    });
    expect(text).toMatch(
      /differs by -2: 1000 at start - 600 decremented = 400, read 398 \(other writers/,
    );
  });

  it('should say when the final aggregate could not be read, without a check', () => {
    const text = formatSummary({ stats, elapsedMs: 1000, startAggregate: 1000 });
    expect(text).toContain('final aggregate    unavailable');
    expect(text).not.toContain('aggregate check');
  });

  it('should not divide by zero for an empty run', () => {
    const empty: Snapshot = { ...stats, attempts: 0, successes: 0, errors: 0, errorReasons: [] };
    const text = formatSummary({
      stats: { ...empty, p50Ms: undefined, p99Ms: undefined },
      elapsedMs: 0,
    });
    expect(text).toContain('0.0 ops/s');
    expect(text).toContain('latency p50        n/a');
    expect(text).toMatch(/errors +0\n/);
  });

  it('should name at most three kinds of error', () => {
    const many: Snapshot = {
      ...stats,
      errorReasons: [
        ['a', 4],
        ['b', 3],
        ['c', 2],
        ['d', 1],
        ['e', 1],
      ],
    };
    expect(formatSummary({ stats: many, elapsedMs: 1 })).toContain(
      '(4× a, 3× b, 2× c, 2 more kinds)',
    );
  });
});

describe('formatMs', () => {
  it('should keep two decimals below 10 ms and one above', () => {
    expect(formatMs(0.456)).toBe('0.46 ms');
    expect(formatMs(123.44)).toBe('123.4 ms');
  });
});
