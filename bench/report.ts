import type { LoadResult } from './load.js';
import { SCENARIOS, type Scenario } from './scenarios.js';

/** What the target process had counted, read before and after a measured run. */
export interface TargetStats {
  storeRequests: number;
  /** TCP connections the store client opened. */
  storeConnections: number;
  retries: number;
  value: number;
}

export interface Row {
  scenario: Scenario;
  connections: number;
  /** Acknowledged (2xx) operations per second. */
  opsPerSec: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Non-2xx answers and unanswered requests, as a share of all requests. */
  non2xxShare: number;
  storeRequestsPerOp: number;
  /** Only for single-doc-occ: 412 retries per acknowledged operation. */
  retriesPerSuccess: number | null;
  /** ops/s over http-ceiling's ops/s at the same concurrency. */
  ratioToCeiling: number | null;
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  elapsedMs: number;
  storeRequests: number;
  storeConnections: number;
  retries: number;
  exactness: Exactness;
}

export interface Exactness {
  /** null when it cannot be told: requests went unanswered, so their outcome is unknown. */
  ok: boolean | null;
  start: number;
  end: number;
  expected: number;
  note?: string;
}

/** One table row from a measured run and the target's counters around it. */
export function toRow(
  scenario: Scenario,
  connections: number,
  load: LoadResult,
  before: TargetStats,
  after: TargetStats,
): Row {
  const storeRequests = after.storeRequests - before.storeRequests;
  const retries = after.retries - before.retries;
  const seconds = load.elapsedMs / 1000;
  return {
    scenario,
    connections,
    opsPerSec: seconds > 0 ? load.ok / seconds : 0,
    p50Ms: percentile(load.latencies, 50) ?? null,
    p99Ms: percentile(load.latencies, 99) ?? null,
    non2xxShare: load.requests > 0 ? (load.non2xx + load.errors) / load.requests : 0,
    storeRequestsPerOp: load.requests > 0 ? storeRequests / load.requests : 0,
    retriesPerSuccess: scenario === 'single-doc-occ' ? (load.ok > 0 ? retries / load.ok : 0) : null,
    ratioToCeiling: null,
    requests: load.requests,
    ok: load.ok,
    non2xx: load.non2xx,
    errors: load.errors,
    elapsedMs: load.elapsedMs,
    storeRequests,
    storeConnections: after.storeConnections - before.storeConnections,
    retries,
    exactness: exactness(before.value, after.value, load),
  };
}

/**
 * Every acknowledged decrement of 1 must show in the count, and nothing else may. A request
 * that got no answer may or may not have been applied: then a difference cannot be judged.
 */
export function exactness(start: number, end: number, load: LoadResult): Exactness {
  const expected = start - load.ok;
  const result: Exactness = { ok: end === expected, start, end, expected };
  if (end === expected) return result;
  if (load.cutShort)
    return { ...result, ok: null, note: 'the run was cut short with requests in flight' };
  if (load.errors > 0) {
    const unknown = `${load.errors} requests got no answer, so their outcome is unknown`;
    // An unanswered decrement can only have lowered the count further.
    const within = end < expected && expected - end <= load.errors;
    return within ? { ...result, ok: null, note: unknown } : { ...result, note: unknown };
  }
  return result;
}

/** Fills in each row's ratio to http-ceiling at the same concurrency, where that was measured. */
export function withRatios(rows: Row[]): Row[] {
  const ceiling = new Map(
    rows.filter((r) => r.scenario === 'http-ceiling').map((r) => [r.connections, r.opsPerSec]),
  );
  return rows.map((row) => {
    const base = ceiling.get(row.connections);
    return { ...row, ratioToCeiling: base !== undefined && base > 0 ? row.opsPerSec / base : null };
  });
}

/** Nearest-rank percentile of an unsorted list. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

const COLUMNS = [
  'scenario',
  'conns',
  'ops/s',
  'p50 ms',
  'p99 ms',
  'non-2xx',
  'store req/op',
  'retries/ok',
  'x ceiling',
  'exact',
] as const;

/** The results as an aligned plain-text table, scenarios in their fixed order. */
export function formatTable(rows: Row[]): string {
  const order = (r: Row) => SCENARIOS.indexOf(r.scenario) * 1e6 + r.connections;
  const cells = [...rows]
    .sort((a, b) => order(a) - order(b))
    .map((r) => [
      r.scenario,
      String(r.connections),
      Math.round(r.opsPerSec).toLocaleString('en-US'),
      ms(r.p50Ms),
      ms(r.p99Ms),
      `${(r.non2xxShare * 100).toFixed(1)}%`,
      r.storeRequestsPerOp.toFixed(2),
      r.retriesPerSuccess === null ? '-' : r.retriesPerSuccess.toFixed(2),
      r.ratioToCeiling === null ? '-' : r.ratioToCeiling.toFixed(3),
      r.exactness.ok === null ? '?' : r.exactness.ok ? 'yes' : 'NO',
    ]);

  const widths = COLUMNS.map((title, i) =>
    Math.max(title.length, ...cells.map((row) => (row[i] ?? '').length)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(COLUMNS), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join(
    '\n',
  );
}

function ms(value: number | null): string {
  if (value === null) return '-';
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}
