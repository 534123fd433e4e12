import type { ShardStatus, ShardView } from '../counter/model.js';
import type { Sample } from './history.js';

/** One shard's line: its points from its first sample on, and how to draw and name it. */
export interface ChartSeries {
  id: string;
  label: string;
  color: string;
  /** The shard's status now; `gone` when the counter no longer lists it. */
  status: ShardStatus | 'gone';
  points: { t: number; amount: number }[];
  latest: number;
}

export interface ChartFrame {
  from: number;
  to: number;
  samples: number;
  width?: number;
  height?: number;
}

const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#7f7f7f',
];

/**
 * A stable color per shard number (the core numbers shards from 1): ten distinct ones first,
 * then hues spread by the golden angle.
 */
export function seriesColor(seq: number): string {
  const fixed = PALETTE[seq - 1];
  if (fixed !== undefined) return fixed;
  return `hsl(${Math.round((seq * 137.508) % 360)} 55% 45%)`;
}

/**
 * Turns samples into one series per shard, in shard order. A shard missing from a later sample
 * (retired and no longer listed) counts as zero from then on; a retired shard that was zero for
 * the whole window is left out so old merges do not crowd the legend.
 */
export function shardSeries(
  samples: readonly Sample[],
  shards: readonly ShardView[],
): ChartSeries[] {
  const known = new Map(shards.map((shard) => [shard.id, shard]));
  const firstSeen = new Map<string, number>();
  samples.forEach((sample, index) => {
    for (const id of Object.keys(sample.amounts)) if (!firstSeen.has(id)) firstSeen.set(id, index);
  });

  const order = (id: string) => known.get(id)?.seq ?? Number.MAX_SAFE_INTEGER;
  const ids = [...firstSeen.keys()].sort((a, b) => order(a) - order(b));

  return ids
    .map((id, position): ChartSeries => {
      const shard = known.get(id);
      const points = samples
        .slice(firstSeen.get(id))
        .map((sample) => ({ t: sample.t, amount: sample.amounts[id] ?? 0 }));
      return {
        id,
        label: shard === undefined ? id : `#${shard.seq}`,
        color: seriesColor(shard?.seq ?? position),
        status: shard?.status ?? 'gone',
        points,
        latest: points.at(-1)?.amount ?? 0,
      };
    })
    .filter((s) => s.status === 'active' || s.points.some((point) => point.amount !== 0));
}

/** The SVG markup of a line chart of every series over [from, to]. Pure: same input, same text. */
export function renderShardChart(series: readonly ChartSeries[], frame: ChartFrame): string {
  const width = frame.width ?? 720;
  const height = frame.height ?? 260;
  const plot = { left: 60, right: width - 14, top: 12, bottom: height - 28 };
  let min = 0;
  let max = 1;
  for (const point of series.flatMap((s) => s.points)) {
    min = Math.min(min, point.amount);
    max = Math.max(max, point.amount);
  }
  const ticks = yTicks(min, max);
  const lo = ticks[0] ?? 0;
  const hi = ticks.at(-1) ?? 1;
  const span = Math.max(1, frame.to - frame.from);

  const x = (t: number) => plot.left + ((t - frame.from) / span) * (plot.right - plot.left);
  const y = (v: number) => plot.bottom - ((v - lo) / (hi - lo)) * (plot.bottom - plot.top);

  const grid = ticks.map(
    (v) =>
      `<line class="grid" x1="${plot.left}" x2="${plot.right}" y1="${n(y(v))}" y2="${n(y(v))}"/>` +
      `<text class="tick" x="${plot.left - 8}" y="${n(y(v) + 4)}" text-anchor="end">${axisLabel(v)}</text>`,
  );
  const times = [120, 90, 60, 30, 0].map((ago) => {
    const tx = n(x(frame.to - ago * 1000));
    const text =
      ago === 0 ? 'now' : `−${Math.floor(ago / 60)}:${String(ago % 60).padStart(2, '0')}`;
    const anchor = ago === 0 ? 'end' : ago === 120 ? 'start' : 'middle';
    return `<text class="tick" x="${tx}" y="${height - 8}" text-anchor="${anchor}">${text}</text>`;
  });
  const lines = series.map((s) => {
    const d = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(x(p.t))} ${n(y(p.amount))}`);
    const last = s.points.at(-1);
    const dot =
      last === undefined
        ? ''
        : `<circle cx="${n(x(last.t))}" cy="${n(y(last.amount))}" r="3" fill="${s.color}"/>`;
    return (
      `<g class="series" data-shard="${escapeAttr(s.id)}">` +
      `<path d="${d.join('')}" stroke="${s.color}"/>${dot}</g>`
    );
  });
  const empty =
    series.length === 0
      ? `<text class="empty" x="${n((plot.left + plot.right) / 2)}" y="${n((plot.top + plot.bottom) / 2)}" text-anchor="middle">Waiting for the first sample…</text>`
      : '';

  return (
    `<svg class="chart" data-testid="shard-chart" data-samples="${frame.samples}" data-series="${series.length}" ` +
    `viewBox="0 0 ${width} ${height}" role="img" aria-label="Amount of each of ${series.length} shards over the last two minutes" ` +
    `xmlns="http://www.w3.org/2000/svg">` +
    grid.join('') +
    `<line class="axis" x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}"/>` +
    times.join('') +
    lines.join('') +
    empty +
    `</svg>`
  );
}

/** About five evenly spaced whole round values, from at or below `lo` to at or above `hi`. */
export function yTicks(lo: number, hi: number): number[] {
  const raw = Math.max(1, (hi - lo) / 4);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const multiples = magnitude >= 10 ? [1, 2, 2.5, 5, 10] : [1, 2, 5, 10];
  const step = (multiples.find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks = [Math.floor(lo / step) * step];
  while ((ticks.at(-1) ?? hi) < hi) ticks.push((ticks.at(-1) ?? hi) + step);
  return ticks;
}

function axisLabel(v: number): string {
  const format = Math.abs(v) >= 10_000 ? { notation: 'compact' as const } : {};
  return new Intl.NumberFormat('en-US', format).format(v);
}

function n(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function escapeAttr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
