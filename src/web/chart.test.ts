import { describe, expect, it } from 'vitest';
import type { ShardView } from '../counter/model.js';
import { renderShardChart, seriesColor, shardSeries, yTicks } from './chart.js';
import type { Sample } from './history.js';

const view = (id: string, seq: number, amount: number, status: ShardView['status'] = 'active') => ({
  id,
  seq,
  amount,
  status,
});

const samples: Sample[] = [
  { t: 0, amounts: { a: 10, b: 20 } },
  { t: 1_000, amounts: { a: 8, b: 20, c: 5 } },
  { t: 2_000, amounts: { a: 0, b: 23, c: 7 } },
];

describe('shardSeries', () => {
  it('should give one series per shard, in shard order, starting where the shard appears', () => {
    const series = shardSeries(samples, [
      view('c', 2, 7),
      view('b', 1, 23),
      view('a', 0, 0, 'retired'),
    ]);

    expect(series.map((s) => s.id)).toEqual(['a', 'b', 'c']);
    expect(series[2]?.points).toEqual([
      { t: 1_000, amount: 5 },
      { t: 2_000, amount: 7 },
    ]);
    expect(series[1]?.latest).toBe(23);
    expect(series[0]?.status).toBe('retired');
  });

  it('should drop a shard to zero once it is no longer listed', () => {
    const series = shardSeries(
      [...samples, { t: 3_000, amounts: { b: 23, c: 7 } }],
      [view('b', 1, 23), view('c', 2, 7)],
    );

    const a = series.find((s) => s.id === 'a');
    expect(a?.status).toBe('gone');
    expect(a?.points.at(-1)).toEqual({ t: 3_000, amount: 0 });
  });

  it('should leave out a retired shard that was zero for the whole window', () => {
    const quiet: Sample[] = [{ t: 0, amounts: { old: 0, b: 4 } }];

    const series = shardSeries(quiet, [view('old', 0, 0, 'retired'), view('b', 1, 4)]);

    expect(series.map((s) => s.id)).toEqual(['b']);
  });

  it('should give each shard a stable color by its position', () => {
    expect(seriesColor(0)).not.toBe(seriesColor(1));
    expect(seriesColor(25)).toBe(seriesColor(25));
    expect(seriesColor(25)).not.toBe(seriesColor(26));
  });
});

describe('renderShardChart', () => {
  const shards = [view('a', 0, 0), view('b', 1, 23), view('c', 2, 7)];

  it('should draw one path per shard with its color and mark the sample count', () => {
    const series = shardSeries(samples, shards);

    const svg = renderShardChart(series, { from: -118_000, to: 2_000, samples: 3 });

    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('data-testid="shard-chart"');
    expect(svg).toContain('data-samples="3"');
    expect(svg).toContain('data-series="3"');
    expect(svg.match(/<path /g)).toHaveLength(3);
    for (const s of series) expect(svg).toContain(`stroke="${s.color}"`);
  });

  it('should place the newest point at the right edge and zero on the baseline', () => {
    const series = shardSeries(samples, shards);

    const svg = renderShardChart(series, {
      from: -118_000,
      to: 2_000,
      samples: 3,
      width: 720,
      height: 260,
    });

    // Plot spans x 60..706 and y 12..232; shard a ends at t = to with amount 0.
    expect(svg).toMatch(/data-shard="a"><path d="[^"]*L706 232"/);
  });

  it('should say it is waiting when there is nothing to draw', () => {
    const svg = renderShardChart([], { from: 0, to: 120_000, samples: 0 });

    expect(svg).toContain('Waiting for the first sample');
    expect(svg).toContain('data-series="0"');
  });

  it('should be the same text for the same input', () => {
    const series = shardSeries(samples, shards);
    const frame = { from: -118_000, to: 2_000, samples: 3 };

    expect(renderShardChart(series, frame)).toBe(renderShardChart(series, frame));
  });

  it('should escape shard ids in attributes', () => {
    const series = shardSeries([{ t: 0, amounts: { 'x"><script>': 1 } }], []);

    const svg = renderShardChart(series, { from: 0, to: 1, samples: 1 });

    expect(svg).not.toContain('<script>');
  });
});

describe('yTicks', () => {
  it('should cover the range with round whole steps', () => {
    expect(yTicks(0, 1000)).toEqual([0, 250, 500, 750, 1000]);
    expect(yTicks(0, 1)).toEqual([0, 1]);
    expect(yTicks(0, 7)).toEqual([0, 2, 4, 6, 8]);
    expect(yTicks(-30, 100)).toEqual([-50, 0, 50, 100]);
  });
});
