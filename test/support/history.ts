/**
 * A history of what a test asked a counter to do and what it saw, and the checks an exact counter
 * must pass (the bounds Jepsen's counter check uses, extended to decrements).
 *
 * Outcomes, from the client's side:
 * - ok: acknowledged, so applied exactly once;
 * - refused: the service said no (insufficient), so not applied;
 * - failed: the service said it applied nothing (throttled, store unavailable, contended);
 * - unknown: the service could not tell (outcome_unknown, a 500, a dropped connection): it may
 *   have been applied, at any moment after the operation started, even after it ended.
 */

export type Outcome = 'ok' | 'refused' | 'failed' | 'unknown';

export interface OpRecord {
  delta: number;
  start: number;
  end: number;
  outcome: Outcome;
  /** Error code or status, for reports. */
  detail?: string;
}

export interface ReadRecord {
  start: number;
  end: number;
  value: number;
}

export interface HistoryData {
  initial: number;
  bounded: boolean;
  ops: readonly OpRecord[];
  reads: readonly ReadRecord[];
}

export interface Counts {
  operations: number;
  ok: number;
  refused: number;
  failed: number;
  unknown: number;
  reads: number;
}

export interface CheckResult {
  violations: string[];
  readsChecked: number;
  refusalsChecked: number;
}

const MAX_REPORTED = 20;

/** Records operations and reads with a monotonic clock; check it with `checkHistory`. */
export class History implements HistoryData {
  readonly ops: OpRecord[] = [];
  readonly reads: ReadRecord[] = [];

  constructor(
    readonly initial: number,
    readonly bounded: boolean,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Run one update and record it; `run` answers its outcome (and must not throw). */
  async apply(delta: number, run: () => Promise<{ outcome: Outcome; detail?: string }>) {
    const start = this.now();
    const { outcome, detail } = await run();
    const record: OpRecord = { delta, start, end: this.now(), outcome, detail };
    this.ops.push(record);
    return record;
  }

  /** Run one aggregate read; `run` answers the value, or undefined when the read failed. */
  async read(run: () => Promise<number | undefined>): Promise<number | undefined> {
    const start = this.now();
    const value = await run();
    if (value !== undefined) this.reads.push({ start, end: this.now(), value });
    return value;
  }

  counts(): Counts {
    const of = (outcome: Outcome) => this.ops.filter((op) => op.outcome === outcome).length;
    return {
      operations: this.ops.length,
      ok: of('ok'),
      refused: of('refused'),
      failed: of('failed'),
      unknown: of('unknown'),
      reads: this.reads.length,
    };
  }
}

/**
 * Every read lies within what the history allows:
 *
 *   lower = initial + Σ(ok ops that ended before the read started)
 *           + Σ min(0, d) over ops possibly applied and overlapping the read
 *   upper = the same with max(0, d)
 *
 * where "possibly applied and overlapping" means ok or unknown, started before the read ended,
 * and not already counted as acknowledged before it. A bounded counter is never read below zero,
 * and a decrement is refused as insufficient only if the counter may have held too little at
 * some moment while it ran.
 */
export function checkHistory(history: HistoryData): CheckResult {
  const violations: string[] = [];
  let refusalsChecked = 0;

  for (const read of history.reads) {
    const [lower, upper] = bounds(history, read.start, read.end);
    if (read.value < lower || read.value > upper) {
      violations.push(
        `read ${read.value} at [${ms(read.start)}, ${ms(read.end)}] outside [${lower}, ${upper}]`,
      );
    }
    if (history.bounded && read.value < 0) {
      violations.push(`bounded counter read below zero: ${read.value} at ${ms(read.start)}`);
    }
  }

  if (history.bounded) {
    for (const op of history.ops) {
      if (op.outcome !== 'refused' || op.delta >= 0) continue;
      refusalsChecked++;
      const [lowest] = bounds(history, op.start, op.end);
      if (lowest >= -op.delta) {
        violations.push(
          `decrement of ${-op.delta} refused at [${ms(op.start)}, ${ms(op.end)}] although the ` +
            `counter held at least ${lowest} throughout`,
        );
      }
    }
  }

  return { violations: capped(violations), readsChecked: history.reads.length, refusalsChecked };
}

/** The range of values the counter may have had at some moment within [start, end]. */
export function bounds(history: HistoryData, start: number, end: number): [number, number] {
  let base = history.initial;
  let down = 0;
  let up = 0;
  for (const op of history.ops) {
    if (op.outcome === 'refused' || op.outcome === 'failed') continue;
    if (op.outcome === 'ok' && op.end <= start) {
      base += op.delta;
    } else if (op.start < end) {
      down += Math.min(0, op.delta);
      up += Math.max(0, op.delta);
    }
  }
  return [base + down, base + up];
}

/**
 * At a quiet moment (nothing in flight, nothing still on its way to the store) the value is the
 * initial value plus every acknowledged delta plus some subset of the unknown ones.
 */
export function checkQuiet(history: HistoryData, value: number): string[] {
  const acked = history.ops
    .filter((op) => op.outcome === 'ok')
    .reduce((sum, op) => sum + op.delta, 0);
  const unknown = history.ops.filter((op) => op.outcome === 'unknown').map((op) => op.delta);
  const rest = value - history.initial - acked;
  if (subsetSums(unknown).has(rest)) return [];
  return [
    `quiet value ${value} ≠ initial ${history.initial} + acknowledged ${acked} + any subset of ` +
      `the ${unknown.length} unknown deltas [${unknown.join(', ')}] (needed ${rest})`,
  ];
}

/** Every sum of a subset of `values` (integers), including the empty one. */
export function subsetSums(values: readonly number[]): Set<number> {
  let sums = new Set<number>([0]);
  for (const v of values) {
    if (!Number.isInteger(v)) throw new Error(`subsetSums takes integers, got ${v}`);
    const next = new Set(sums);
    for (const s of sums) next.add(s + v);
    sums = next;
  }
  return sums;
}

/** Classify an HTTP answer to an increment or decrement of the counter API. */
export function outcomeOf(status: number, code: string | undefined): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 409 && code === 'insufficient') return 'refused';
  if (status === 503 && code === 'outcome_unknown') return 'unknown';
  if (status === 429 || status === 503) return 'failed';
  if (status === 400 || status === 404 || status === 409 || status === 413 || status === 422) {
    return 'failed';
  }
  return 'unknown';
}

function capped(violations: string[]): string[] {
  if (violations.length <= MAX_REPORTED) return violations;
  return [
    ...violations.slice(0, MAX_REPORTED),
    `… and ${violations.length - MAX_REPORTED} more violations`,
  ];
}

function ms(t: number): string {
  return `${Math.round(t)}ms`;
}
