import { describe, expect, it } from 'vitest';
import { decadeRange, renderChart } from './chart.js';
import { toRow } from './report.js';
import type { Scenario } from './scenarios.js';

function row(scenario: Scenario, connections: number, opsPerSec: number) {
  const stats = { storeRequests: 0, storeConnections: 0, retries: 0, value: 0 };
  const load = {
    requests: 1,
    ok: 1,
    non2xx: 0,
    errors: 0,
    elapsedMs: 1,
    latencies: [1],
    cutShort: false,
  };
  return { ...toRow(scenario, connections, load, stats, stats), opsPerSec };
}

describe('renderChart', () => {
  const rows = [
    row('http-ceiling', 1, 9000),
    row('http-ceiling', 16, 20000),
    row('distributed', 1, 300),
    row('distributed', 16, 1100),
  ];
  const svg = renderChart(rows, 'Decrements <per> second', '2 x CPU');

  it('should draw one line per scenario, with a point per concurrency', () => {
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(4);
    expect(svg).toContain('>http-ceiling</text>');
    expect(svg).toContain('>distributed</text>');
  });

  it('should label both axes and escape the title', () => {
    expect(svg).toContain('<title>Decrements &lt;per&gt; second</title>');
    expect(svg).toContain('>concurrent connections</text>');
    expect(svg).toContain('>16</text>');
    expect(svg).toContain('>100,000</text>');
    expect(svg).toContain('>100</text>');
  });

  it('should be a standalone SVG document', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('should put higher throughput higher on the page', () => {
    const ys = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    // Ceiling points come first (legend order), then distributed.
    expect(ys[0]).toBeLessThan(ys[2] ?? 0);
    expect(ys[1]).toBeLessThan(ys[0] ?? 0);
  });

  it('should cope with a scenario that answered nothing', () => {
    expect(renderChart([row('single-doc-occ', 1, 0)], 't', 's')).not.toMatch(/NaN|Infinity/);
  });
});

describe('decadeRange', () => {
  it('should span whole decades around the values', () => {
    expect(decadeRange([42, 20_058])).toEqual({ low: 10, high: 100_000 });
    expect(decadeRange([100, 1000])).toEqual({ low: 100, high: 1000 });
    expect(decadeRange([500])).toEqual({ low: 100, high: 1000 });
    expect(decadeRange([0])).toEqual({ low: 1, high: 10 });
  });
});
