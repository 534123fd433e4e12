import { SCENARIOS, type Scenario } from './scenarios.js';
import type { Row } from './report.js';

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { top: 60, right: 190, bottom: 56, left: 80 };
const COLOURS: Record<Scenario, string> = {
  'http-ceiling': '#7f7f7f',
  'single-doc-occ': '#d62728',
  'single-doc-patch': '#ff7f0e',
  distributed: '#1f77b4',
  'distributed-unbatched': '#9ecae1',
};

/**
 * Throughput against concurrency as a standalone SVG: one line per scenario, connections on an
 * evenly spaced axis (they grow roughly geometrically), ops/s on a log axis, because the bare
 * HTTP ceiling sits one to two orders of magnitude above anything that touches the store.
 */
export function renderChart(rows: Row[], title: string, subtitle: string): string {
  const connections = [...new Set(rows.map((r) => r.connections))].sort((a, b) => a - b);
  const { low, high } = decadeRange(rows.map((r) => r.opsPerSec));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;

  const x = (c: number) =>
    MARGIN.left +
    (connections.length === 1
      ? plotW / 2
      : (connections.indexOf(c) / (connections.length - 1)) * plotW);
  const y = (ops: number) => {
    const clamped = Math.min(high, Math.max(low, ops));
    return (
      MARGIN.top +
      plotH -
      ((Math.log10(clamped) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) * plotH
    );
  };

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title>${escape(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="24" font-size="15" font-weight="600">${escape(title)}</text>`,
    `<text x="${MARGIN.left}" y="40" fill="#555">${escape(subtitle)}</text>`,
  ];

  for (let decade = low; decade <= high; decade *= 10) {
    for (const step of [1, 2, 5]) {
      const value = decade * step;
      if (value > high) break;
      const py = y(value).toFixed(1);
      parts.push(
        `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${py}" y2="${py}" stroke="${step === 1 ? '#d0d0d0' : '#f0f0f0'}"/>`,
      );
      if (step === 1) {
        parts.push(
          `<text x="${MARGIN.left - 8}" y="${py}" text-anchor="end" dominant-baseline="middle">${value.toLocaleString('en-US')}</text>`,
        );
      }
    }
  }
  for (const c of connections) {
    const px = x(c).toFixed(1);
    parts.push(
      `<line x1="${px}" x2="${px}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 5}" stroke="#333"/>`,
      `<text x="${px}" y="${MARGIN.top + plotH + 20}" text-anchor="middle">${c}</text>`,
    );
  }
  parts.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#333"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 14}" text-anchor="middle">concurrent connections</text>`,
    `<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">acknowledged decrements/s (log scale)</text>`,
  );

  const present = SCENARIOS.filter((s) => rows.some((r) => r.scenario === s));
  present.forEach((scenario, i) => {
    const points = rows
      .filter((r) => r.scenario === scenario)
      .sort((a, b) => a.connections - b.connections)
      .map((r) => [x(r.connections), y(r.opsPerSec)] as const);
    const colour = COLOURS[scenario];
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="2.5" points="${points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>`,
      ...points.map(
        ([px, py]) =>
          `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3.5" fill="${colour}"/>`,
      ),
    );
    const ly = MARGIN.top + 10 + i * 22;
    const lx = MARGIN.left + plotW + 20;
    parts.push(
      `<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2.5"/>`,
      `<text x="${lx + 28}" y="${ly}" dominant-baseline="middle">${escape(scenario)}</text>`,
    );
  });

  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Whole decades around the positive values: [10, 100000] for 42 and 20,058. */
export function decadeRange(values: number[]): { low: number; high: number } {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return { low: 1, high: 10 };
  const low = 10 ** Math.floor(Math.log10(Math.min(...positive)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...positive)));
  return { low, high: high > low ? high : low * 10 };
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
