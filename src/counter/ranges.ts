import { InvalidOperation } from './errors.js';
import type { ShardDoc } from './model.js';

/**
 * Amounts stay integers within ±Number.MAX_SAFE_INTEGER, so sums are never rounded, and a
 * bounded counter's shards never go below zero. These are the checks, in SQL and in code.
 */

const MAX = Number.MAX_SAFE_INTEGER;

/** The part of a write's condition that keeps amounts in range (all lower case). */
export function rangeCondition(delta: number, bounded: boolean): string {
  if (delta > 0) return `c.amount <= ${MAX - delta}`;
  return bounded ? `c.amount >= ${-delta}` : `c.amount >= ${-MAX - delta}`;
}

export function fitsShard(shard: ShardDoc, delta: number, bounded: boolean): boolean {
  const next = shard.amount + delta;
  return next <= MAX && next >= (bounded ? 0 : -MAX);
}

export function checkRange(total: number, delta: number): void {
  const next = total + delta;
  if (next > MAX || next < -MAX) {
    throw new InvalidOperation(
      'amount',
      `amount would take the counter to ${BigInt(total) + BigInt(delta)}, outside the safe ` +
        `integer range ±${MAX}`,
    );
  }
}
