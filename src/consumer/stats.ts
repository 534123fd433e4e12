/**
 * What the workers saw, kept in constant memory: the consumer may run for hours, so latencies go
 * into a log-scale histogram (about 1% resolution) instead of an ever-growing array.
 */

export type Outcome =
  | { kind: 'success'; amount: number }
  | { kind: 'insufficient'; amount: number }
  | { kind: 'error'; amount: number; reason: string };

export interface Snapshot {
  attempts: number;
  successes: number;
  insufficient: number;
  errors: number;
  /** Errors by reason ("503 store_unavailable", "network: ECONNREFUSED"), most frequent first. */
  errorReasons: Array<[string, number]>;
  unitsDecremented: number;
  p50Ms: number | undefined;
  p99Ms: number | undefined;
}

export class Stats {
  private attempts = 0;
  private successes = 0;
  private insufficient = 0;
  private errors = 0;
  private units = 0;
  private readonly reasons = new Map<string, number>();
  private readonly latencies = new LatencyHistogram();

  record(outcome: Outcome, latencyMs: number): void {
    this.attempts += 1;
    this.latencies.add(latencyMs);
    switch (outcome.kind) {
      case 'success':
        this.successes += 1;
        this.units += outcome.amount;
        break;
      case 'insufficient':
        this.insufficient += 1;
        break;
      case 'error':
        this.errors += 1;
        this.reasons.set(outcome.reason, (this.reasons.get(outcome.reason) ?? 0) + 1);
        break;
    }
  }

  snapshot(): Snapshot {
    return {
      attempts: this.attempts,
      successes: this.successes,
      insufficient: this.insufficient,
      errors: this.errors,
      errorReasons: [...this.reasons].sort((a, b) => b[1] - a[1]),
      unitsDecremented: this.units,
      p50Ms: this.latencies.percentile(50),
      p99Ms: this.latencies.percentile(99),
    };
  }
}

/** Bucket i holds latencies in (base^(i-1), base^i] microseconds; 0 holds anything up to 1 µs. */
const BASE = 1.01;
const LOG_BASE = Math.log(BASE);

export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  private total = 0;

  add(ms: number): void {
    const bucket = bucketOf(ms);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.total += 1;
  }

  get count(): number {
    return this.total;
  }

  /**
   * Nearest-rank percentile: the smallest recorded latency with at least p% of samples at or
   * below it, reported as its bucket's upper bound (at most 1% above the true value).
   */
  percentile(p: number): number | undefined {
    if (this.total === 0) return undefined;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket) ?? 0;
      if (seen >= rank) return upperBoundMs(bucket);
    }
    return undefined;
  }
}

function bucketOf(ms: number): number {
  const micros = ms * 1000;
  if (!(micros > 1)) return 0;
  return Math.ceil(Math.log(micros) / LOG_BASE - 1e-9);
}

function upperBoundMs(bucket: number): number {
  return bucket === 0 ? 0.001 : BASE ** bucket / 1000;
}
