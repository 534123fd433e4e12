import type { ShardView } from '../counter/model.js';

/** One look at a counter: when, and each shard's amount by shard id. */
export interface Sample {
  t: number;
  amounts: Record<string, number>;
}

export interface HistoryOptions {
  /** How far back samples are kept, in milliseconds. */
  windowMs?: number;
  /** Samples closer together than this update the last one instead of adding another. */
  minIntervalMs?: number;
  /** Counters tracked at once; the one sampled least recently is dropped first. */
  maxCounters?: number;
  now?: () => number;
}

/**
 * The recent shard amounts of each counter the dashboard shows, kept in the server so the chart
 * survives a page reload. Memory is bounded: at most `windowMs / minIntervalMs + 1` samples per
 * counter and `maxCounters` counters, and a counter unseen for a whole window is forgotten.
 *
 * @example
 * const history = new ShardHistory();
 * const samples = history.record(counter.id, counter.shards);
 */
export class ShardHistory {
  readonly windowMs: number;
  private readonly minIntervalMs: number;
  private readonly maxCounters: number;
  readonly now: () => number;
  /** Map order is recency order: a counter is re-inserted each time it is sampled. */
  private readonly byCounter = new Map<string, Sample[]>();

  constructor(options: HistoryOptions = {}) {
    this.windowMs = options.windowMs ?? 120_000;
    this.minIntervalMs = options.minIntervalMs ?? 1_000;
    this.maxCounters = options.maxCounters ?? 50;
    this.now = options.now ?? Date.now;
  }

  /** Adds a sample of `shards` taken now and returns the counter's samples, oldest first. */
  record(counterId: string, shards: readonly ShardView[]): readonly Sample[] {
    const t = this.now();
    const amounts: Record<string, number> = {};
    for (const shard of shards) amounts[shard.id] = shard.amount;

    const samples = this.byCounter.get(counterId) ?? [];
    const last = samples.at(-1);
    if (last !== undefined && t - last.t < this.minIntervalMs) {
      last.amounts = amounts;
    } else {
      samples.push({ t, amounts });
    }
    while (samples.length > 0 && (samples[0]?.t ?? t) < t - this.windowMs) samples.shift();

    this.byCounter.delete(counterId);
    this.byCounter.set(counterId, samples);
    this.evict();
    return samples;
  }

  /** The counter's samples within the window, oldest first; empty when never sampled. */
  samples(counterId: string): readonly Sample[] {
    const cutoff = this.now() - this.windowMs;
    return (this.byCounter.get(counterId) ?? []).filter((sample) => sample.t >= cutoff);
  }

  get trackedCounters(): number {
    return this.byCounter.size;
  }

  /** Drops counters beyond the cap, and those nobody has looked at for a whole window. */
  private evict(): void {
    const cutoff = this.now() - this.windowMs;
    for (const [counterId, samples] of this.byCounter) {
      const stale = (samples.at(-1)?.t ?? cutoff) < cutoff;
      if (!stale && this.byCounter.size <= this.maxCounters) return;
      this.byCounter.delete(counterId);
    }
  }
}
