import { describe, expect, it } from 'vitest';
import { LatencyHistogram, Stats } from './stats.js';

describe('Stats', () => {
  it('should count each kind of outcome and the units of successes only', () => {
    const stats = new Stats();
    stats.record({ kind: 'success', amount: 2 }, 5);
    stats.record({ kind: 'success', amount: 3 }, 5);
    stats.record({ kind: 'insufficient', amount: 3 }, 5);
    stats.record({ kind: 'error', amount: 1, reason: '503 store_unavailable' }, 5);
    stats.record({ kind: 'error', amount: 1, reason: 'timeout' }, 5);
    stats.record({ kind: 'error', amount: 2, reason: '503 store_unavailable' }, 5);

    expect(stats.snapshot()).toMatchObject({
      attempts: 6,
      successes: 2,
      insufficient: 1,
      errors: 3,
      unitsDecremented: 5,
      errorReasons: [
        ['503 store_unavailable', 2],
        ['timeout', 1],
      ],
    });
  });

  it('should report no percentiles before the first operation', () => {
    expect(new Stats().snapshot()).toMatchObject({
      attempts: 0,
      p50Ms: undefined,
      p99Ms: undefined,
    });
  });
});

describe('LatencyHistogram', () => {
  it('should give nearest-rank percentiles within 1% of the exact value', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 100; ms++) histogram.add(ms);

    expect(histogram.count).toBe(100);
    expectClose(histogram.percentile(50), 50);
    expectClose(histogram.percentile(99), 99);
    expectClose(histogram.percentile(100), 100);
    expectClose(histogram.percentile(0), 1);
  });

  it('should never report below the true value', () => {
    const histogram = new LatencyHistogram();
    histogram.add(12.345);
    const p50 = histogram.percentile(50) ?? 0;
    expect(p50).toBeGreaterThanOrEqual(12.345);
    expect(p50).toBeLessThanOrEqual(12.345 * 1.01);
  });

  it('should weigh a slow tail correctly', () => {
    const histogram = new LatencyHistogram();
    for (let i = 0; i < 990; i++) histogram.add(2);
    for (let i = 0; i < 10; i++) histogram.add(400);

    expectClose(histogram.percentile(50), 2);
    expectClose(histogram.percentile(99), 2);
    expectClose(histogram.percentile(99.5), 400);
  });

  it('should keep sub-microsecond and zero latencies in the first bucket', () => {
    const histogram = new LatencyHistogram();
    histogram.add(0);
    histogram.add(0.0001);
    expect(histogram.percentile(100)).toBeLessThanOrEqual(0.001);
  });

  it('should stay small however many samples it holds', () => {
    const histogram = new LatencyHistogram();
    for (let i = 0; i < 200_000; i++) histogram.add(1 + (i % 5000) / 10);
    // 1 ms to 500 ms at 1% resolution is about 625 buckets.
    expect(histogram.count).toBe(200_000);
    expectClose(histogram.percentile(50), 250.95, 0.02);
  });
});

function expectClose(actual: number | undefined, expected: number, tolerance = 0.01): void {
  expect(actual).toBeDefined();
  expect(actual ?? NaN).toBeGreaterThanOrEqual(expected * (1 - 1e-9));
  expect(actual ?? NaN).toBeLessThanOrEqual(expected * (1 + tolerance));
}
