import { InvalidOperation } from './errors.js';
import { MAX_SHARDS, type ShardDoc } from './model.js';

/**
 * Amounts stay integers far enough inside ±Number.MAX_SAFE_INTEGER that sums are never
 * rounded, and a bounded counter's shards never go below zero. These are the checks, in SQL
 * and in code.
 *
 * A write may only take a shard to ±SHARD_LIMIT, so a hundred shards stay within half the safe
 * range, and a counter is refused writes past ±COUNTER_LIMIT when its total is checked (on
 * create and on every slow-path write). Known gap: a shard can pass SHARD_LIMIT when a merge
 * concentrates units, and writes on the fast path do not see the total; so a counter driven
 * within a factor of two of COUNTER_LIMIT through repeated merges and splits can still be
 * pushed towards 2^53. That is about 4.5 quadrillion; ordinary counters never come near it.
 */

export const SHARD_LIMIT = Math.floor(Number.MAX_SAFE_INTEGER / (2 * MAX_SHARDS));
export const COUNTER_LIMIT = SHARD_LIMIT * MAX_SHARDS;

/** The part of a write's condition that keeps amounts in range (all lower case). */
export function rangeCondition(delta: number, bounded: boolean): string {
  if (delta > 0) return `c.amount <= ${SHARD_LIMIT - delta}`;
  return bounded ? `c.amount >= ${-delta}` : `c.amount >= ${-SHARD_LIMIT - delta}`;
}

export function fitsShard(shard: ShardDoc, delta: number, bounded: boolean): boolean {
  const next = shard.amount + delta;
  return next <= SHARD_LIMIT && next >= (bounded ? 0 : -SHARD_LIMIT);
}

/** Refuse a write that would take the counter, or any one shard, out of range. */
export function checkRange(total: number, delta: number, bounded: boolean): void {
  const next = BigInt(total) + BigInt(delta);
  if (next > BigInt(COUNTER_LIMIT) || next < -BigInt(COUNTER_LIMIT)) {
    throw new InvalidOperation(
      'amount',
      `amount would take the counter to ${next}, past the limit of ±${COUNTER_LIMIT}`,
    );
  }
  const growsShard = delta > 0 || !bounded;
  if (growsShard && Math.abs(delta) > SHARD_LIMIT) {
    throw new InvalidOperation('amount', `amount must be at most ${SHARD_LIMIT} for one write`);
  }
}

/** A new counter's initial value must fit its shards. */
export function checkInitial(initialValue: number, shards: number): void {
  if (initialValue > SHARD_LIMIT * shards) {
    throw new InvalidOperation(
      'initialValue',
      `initialValue must be at most ${SHARD_LIMIT * shards} for ${shards} shards ` +
        `(${SHARD_LIMIT} per shard)`,
    );
  }
}
