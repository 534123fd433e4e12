import { describe, expect, it } from 'vitest';
import {
  findBend,
  formatSteps,
  parseRates,
  rateAt,
  stageMetric,
  stepRows,
  steppedStages,
} from './lib/stages.js';

describe('parseRates', () => {
  it('should read increasing positive rates', () => {
    expect(parseRates('25, 50,100')).toEqual([25, 50, 100]);
  });

  it.each(['', '0,10', '10,5', '10,10', '1.5', 'fast'])('should refuse %j', (text) => {
    expect(() => parseRates(text)).toThrow(/RATES/);
  });
});

describe('steppedStages and rateAt', () => {
  it('should ramp to each rate in 2 s and hold it', () => {
    expect(steppedStages([10, 20], 15)).toEqual([
      { target: 10, duration: '2s' },
      { target: 10, duration: '15s' },
      { target: 20, duration: '2s' },
      { target: 20, duration: '15s' },
    ]);
  });

  it('should name the step a moment belongs to, ramp included', () => {
    const rates = [10, 20, 40];
    expect(rateAt(rates, 8, 0)).toBe('10');
    expect(rateAt(rates, 8, 9_999)).toBe('10');
    expect(rateAt(rates, 8, 10_000)).toBe('20');
    expect(rateAt(rates, 8, 25_000)).toBe('40');
    // Iterations still finishing after the last step, or a clock a little behind, stay in range.
    expect(rateAt(rates, 8, 90_000)).toBe('40');
    expect(rateAt(rates, 8, -5)).toBe('10');
  });
});

describe('stepRows, findBend and formatSteps', () => {
  function data(steps: Array<[number, number, number]>) {
    const metrics: Record<string, { values: Record<string, number> }> = {};
    for (const [rate, count, p95] of steps) {
      metrics[stageMetric(rate)] = {
        values: { count, med: p95 / 2, 'p(95)': p95, 'p(99)': p95 * 1.5 },
      };
    }
    return { metrics };
  }

  it('should read one row per step from the tagged sub-metrics', () => {
    const rows = stepRows(data([[50, 850, 4]]), [50, 100], 15);
    expect(rows).toEqual([
      { rate: 50, requests: 850, achieved: 50, p50: 2, p95: 4, p99: 6 },
      { rate: 100, requests: 0, achieved: 0, p50: undefined, p95: undefined, p99: undefined },
    ]);
  });

  it('should find the first step whose p95 more than doubles', () => {
    const rows = stepRows(
      data([
        [50, 850, 4],
        [100, 1700, 6],
        [200, 3400, 9],
        [400, 6800, 30],
      ]),
      [50, 100, 200, 400],
      15,
    );
    expect(findBend(rows)).toBe(200);
    const text = formatSteps(rows);
    expect(text).toContain('<- latency bends here');
    expect(text).toMatch(/200 +200\.0 +4\.5 +9\.0 +13\.5 {2}<- latency bends here/);
    expect(text).toContain('latency bends at about 200 decrements/s');
  });

  it('should find a step the server could not keep up with', () => {
    const rows = stepRows(
      data([
        [50, 850, 4],
        [100, 1000, 5],
      ]),
      [50, 100],
      15,
    );
    expect(findBend(rows)).toBe(100);
  });

  it('should say so when latency never bends', () => {
    const rows = stepRows(
      data([
        [50, 850, 4],
        [100, 1700, 5],
      ]),
      [50, 100],
      15,
    );
    expect(findBend(rows)).toBeUndefined();
    expect(formatSteps(rows)).toContain('did not bend');
  });
});
