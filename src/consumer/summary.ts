import type { Snapshot } from './stats.js';

export interface SummaryInput {
  stats: Snapshot;
  elapsedMs: number;
  /** The counter's aggregate before the first and after the last operation, when they could be read. */
  startAggregate?: number;
  finalAggregate?: number;
}

/**
 * The end-of-run report, one fact per line, aligned for reading in a terminal.
 *
 * The aggregate check is advice, not a verdict: another writer on the same counter, or a request
 * whose outcome is unknown (a timeout), explains a difference without any bug.
 */
export function formatSummary(input: SummaryInput): string {
  const { stats, elapsedMs } = input;
  const seconds = elapsedMs / 1000;
  const rate = (n: number) => (seconds > 0 ? n / seconds : 0);

  const rows: Array<[string, string]> = [
    ['duration', `${seconds.toFixed(1)} s`],
    ['attempts', String(stats.attempts)],
    ['successes', String(stats.successes)],
    ['insufficient', String(stats.insufficient)],
    ['errors', String(stats.errors) + errorDetail(stats.errorReasons)],
    ['units decremented', String(stats.unitsDecremented)],
    [
      'throughput',
      `${rate(stats.attempts).toFixed(1)} ops/s (${rate(stats.successes).toFixed(1)} successful/s)`,
    ],
    ['latency p50', formatMs(stats.p50Ms)],
    ['latency p99', formatMs(stats.p99Ms)],
    [
      'final aggregate',
      input.finalAggregate === undefined ? 'unavailable' : String(input.finalAggregate),
    ],
  ];
  const check = aggregateCheck(input);
  if (check !== undefined) rows.push(['aggregate check', check]);

  const width = Math.max(...rows.map(([label]) => label.length));
  return ['Summary', ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join(
    '\n',
  );
}

function errorDetail(reasons: Array<[string, number]>): string {
  if (reasons.length === 0) return '';
  const shown = reasons.slice(0, 3).map(([reason, n]) => `${n}× ${reason}`);
  const more = reasons.length > 3 ? `, ${reasons.length - 3} more kinds` : '';
  return ` (${shown.join(', ')}${more})`;
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return 'n/a';
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(1)} ms`;
}

function aggregateCheck(input: SummaryInput): string | undefined {
  const { startAggregate, finalAggregate, stats } = input;
  if (startAggregate === undefined || finalAggregate === undefined) return undefined;

  const expected = startAggregate - stats.unitsDecremented;
  const equation = `${startAggregate} at start - ${stats.unitsDecremented} decremented`;
  if (finalAggregate === expected) return `ok: ${equation} = ${finalAggregate}`;
  const off = finalAggregate - expected;
  return (
    `differs by ${off > 0 ? '+' : ''}${off}: ${equation} = ${expected}, read ${finalAggregate} ` +
    '(other writers, or requests whose outcome is unknown)'
  );
}
