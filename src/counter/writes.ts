import { setTimeout as sleep } from 'node:timers/promises';
import { aggregateOf } from './aggregate.js';
import { REFUSED, type CounterDocuments, type Snapshot } from './documents.js';
import { Contended, Insufficient, InvalidOperation } from './errors.js';
import { GroupCommit } from './group-commit.js';
import type { ApplyResult, WriteStats } from './model.js';
import { checkRange, fitsShard, rangeCondition, SHARD_LIMIT } from './ranges.js';
import { finishTransfers, gatherInto } from './rebalance.js';
import { shuffled, type ShardCache } from './shard-cache.js';

/** How many times a writer re-reads the counter before it gives up with `Contended`. */
const ROUNDS = 8;
/**
 * How many shards a batched update tries before the slow path. More than one keeps updates
 * batched while single shards run dry; few, so that an empty counter still answers
 * "insufficient" after a handful of round trips, not one per shard.
 */
const BATCHED_TRIES = 3;
/** Writers racing for the last units back off a little, at random, before each new round. */
const BACKOFF_MS = 4;

/**
 * Increments and decrements: one conditional `incr` patch on a random active shard. The slow
 * paths below run only when that patch is refused.
 */
export class Writes {
  private readonly group: GroupCommit;
  private readonly batching: boolean;

  constructor(
    private readonly docs: CounterDocuments,
    private readonly cache: ShardCache,
    maxBusyShards: number,
    private readonly resume: (counterId: string) => Promise<void>,
  ) {
    this.batching = maxBusyShards > 0;
    this.group = new GroupCommit(
      (target, delta) => this.patch(target.counterId, target.shardId, delta, target.bounded),
      async (target) => {
        const shard = await this.docs.readShard(target.counterId, target.shardId);
        return shard?.status === 'active' ? shard.amount : undefined;
      },
      maxBusyShards,
    );
  }

  get stats(): WriteStats {
    const { patches, updates, maxBatch } = this.group.stats;
    return { patches, updates, maxBatch, meanBatch: patches === 0 ? 0 : updates / patches };
  }

  /**
   * The fast path: join a random active shard's next patch (see group-commit.ts). A shard that
   * refuses (it ran short, or stopped being active) is usually one of several: the update joins
   * another's patch, up to BATCHED_TRIES shards in all, before the slow path reads the counter.
   */
  async apply(counterId: string, delta: number): Promise<ApplyResult> {
    const view = await this.cache.get(counterId);
    const order = shuffled(view.active);

    if (!this.batching) {
      const shardId = order[0];
      if (shardId !== undefined && (await this.patch(counterId, shardId, delta, view.bounded))) {
        return { counterId, delta, shardId };
      }
      return this.applySlowly(counterId, delta);
    }

    const refused = new Set<string>();
    let shardId = this.group.choose(counterId, order);
    while (shardId !== undefined && refused.size < BATCHED_TRIES) {
      if (await this.group.submit({ counterId, shardId, bounded: view.bounded }, delta)) {
        return { counterId, delta, shardId };
      }
      refused.add(shardId);
      shardId = this.group.choose(counterId, order, refused);
    }
    return this.applySlowly(counterId, delta);
  }

  /**
   * The first shard refused: it stopped being active, holds too little for a bounded decrement,
   * or would leave the safe integer range. Read the whole counter and decide from the facts.
   */
  private async applySlowly(counterId: string, delta: number): Promise<ApplyResult> {
    let resumed = false;
    for (let round = 0; round < ROUNDS; round++) {
      if (round > 0) await sleep(Math.random() * BACKOFF_MS * round);
      const snapshot = await this.snapshot(counterId);
      const total = aggregateOf(snapshot.shards);
      const bounded = snapshot.counter.bounded;
      checkRange(total, delta, bounded);
      if (bounded && total + delta < 0) throw new Insufficient(-delta, total);

      const active = snapshot.shards.filter((s) => s.status === 'active');
      const fits = active.filter((s) => fitsShard(s, delta, bounded));
      const draining = snapshot.shards.some((s) => s.status === 'draining');
      if (fits.length === 0 && draining && !resumed) {
        // Units sit in a shard an interrupted merge left draining (or no shard is active at
        // all): finishing that merge, once its lease has lapsed, puts them back in reach.
        resumed = true;
        await this.resume(counterId);
        continue;
      }
      if (active.length === 0) continue;
      if (fits.length === 0 && (delta > 0 || !bounded)) {
        throw new InvalidOperation(
          'amount',
          `no shard has room for ${delta} (each holds at most ±${SHARD_LIMIT}); ` +
            'split the counter or use a smaller amount',
        );
      }
      for (const shard of shuffled(fits)) {
        if (await this.patch(counterId, shard.id, delta, bounded)) {
          return { counterId, delta, shardId: shard.id };
        }
      }

      // No single shard holds enough, but the counter does: land units in flight, gather
      // from the others into the richest shard, and take the decrement there.
      const richest = [...active].sort((a, b) => b.amount - a.amount)[0];
      if (bounded && delta < 0 && fits.length === 0 && richest !== undefined) {
        await finishTransfers(this.docs, this.cache, snapshot);
        await gatherInto(this.docs, this.cache, snapshot, richest, -delta);
        if (await this.patch(counterId, richest.id, delta, bounded)) {
          return { counterId, delta, shardId: richest.id };
        }
      }
    }
    throw new Contended(100);
  }

  /** The write itself: true if applied, false if the shard's condition refused it. */
  private async patch(
    counterId: string,
    shardId: string,
    delta: number,
    bounded: boolean,
  ): Promise<boolean> {
    const result = await this.docs.patchShard(
      counterId,
      shardId,
      [{ op: 'incr', path: '/amount', value: delta }],
      `from c where c.status = 'active' and ${rangeCondition(delta, bounded)}`,
    );
    return result !== REFUSED;
  }

  private async snapshot(counterId: string): Promise<Snapshot> {
    const snapshot = await this.docs.snapshot(counterId);
    this.cache.remember(snapshot);
    return snapshot;
  }
}
