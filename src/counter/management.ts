import { randomUUID } from 'node:crypto';
import { viewOf } from './aggregate.js';
import { REFUSED, type CounterDocuments, type Snapshot } from './documents.js';
import { InvalidOperation, LeaseLost, ManagementBusy } from './errors.js';
import { acquireLease, type HeldLease } from './lease.js';
import { MAX_SHARDS, type CounterView, type ShardDoc } from './model.js';
import { finishTransfers } from './rebalance.js';
import type { ShardCache } from './shard-cache.js';
import { transfer } from './transfer.js';

/** Structured log sink for management steps; the pino logger fits it. */
export interface StepLog {
  info(fields: object, message: string): void;
}

export interface ManagementOptions {
  leaseTtlMs: number;
  log?: StepLog;
}

/**
 * Split and merge: change how many shards are active without changing the total, while
 * writers keep writing. Each call holds the counter's lease, and first finishes whatever an
 * earlier call left half done (a transfer in flight, a shard left draining).
 */
export class Management {
  constructor(
    private readonly docs: CounterDocuments,
    private readonly cache: ShardCache,
    private readonly options: ManagementOptions,
  ) {}

  /** Add `count` empty active shards, then move half of the richest shard into each. */
  async split(counterId: string, count: number): Promise<CounterView> {
    return this.underLease(counterId, async (lease, snapshot) => {
      const active = activeOf(snapshot);
      if (active.length + count > MAX_SHARDS) {
        throw new InvalidOperation(
          'count',
          `count would make ${active.length + count} active shards; at most ${MAX_SHARDS} are allowed`,
        );
      }

      const amounts = new Map(active.map((s) => [s.id, s.amount]));
      let seq = nextSeq(snapshot);
      for (let i = 0; i < count; i++) {
        const shard = emptyShard(counterId, seq++);
        await this.docs.create(shard);
        this.step(counterId, 'split: shard created', { shard: shard.id });

        amounts.set(shard.id, 0);
        await this.moveHalf(snapshot, amounts, shard.id);
        await lease.renew();
      }
    });
  }

  /** Retire the `count` active shards holding least, moving their units to the others. */
  async merge(counterId: string, count: number): Promise<CounterView> {
    return this.underLease(counterId, async (lease, snapshot) => {
      const active = activeOf(snapshot);
      if (active.length - count < 1) {
        throw new InvalidOperation(
          'count',
          `count must leave at least one active shard; the counter has ${active.length}`,
        );
      }

      const victims = [...active].sort((a, b) => a.amount - b.amount).slice(0, count);
      for (const shard of victims) {
        await this.docs.patchShard(
          counterId,
          shard.id,
          [{ op: 'set', path: '/status', value: 'draining' }],
          "from c where c.status = 'active'",
        );
        this.step(counterId, 'merge: shard draining', { shard: shard.id });
      }
      this.cache.forget(counterId);
      // Still ours? If a slow step let the lease expire, stop here (underLease repairs).
      await lease.renew();

      for (const shard of victims) {
        await this.drainAndRetire(counterId, shard.id, snapshot.counter.bounded);
        await lease.renew();
      }
    });
  }

  /**
   * Finish what interrupted calls left on any counter: merges left draining, and the transfers
   * beside them. Run at start-up; counters whose lease is held elsewhere are left to their holder.
   * Answers how many counters were looked at.
   */
  async resumeInterrupted(): Promise<number> {
    const counterIds = await this.docs.countersWithDrainingShards();
    for (const counterId of counterIds) await this.resume(counterId);
    return counterIds.length;
  }

  /** Finish what earlier calls left on one counter, unless someone holds its lease. */
  async resume(counterId: string): Promise<void> {
    try {
      await this.underLease(counterId, async () => undefined);
    } catch (error) {
      if (!(error instanceof ManagementBusy)) throw error;
    }
  }

  /** Take the lease, finish earlier work, run `work`, answer the counter as it now stands. */
  private async underLease(
    counterId: string,
    work: (lease: HeldLease, snapshot: Snapshot) => Promise<void>,
  ): Promise<CounterView> {
    const lease = await acquireLease(this.docs, counterId, this.options.leaseTtlMs);
    try {
      const recovered = await this.recover(counterId);
      await work(lease, recovered);
    } catch (error) {
      if (error instanceof LeaseLost)
        await this.ensureActiveShard(await this.docs.snapshot(counterId));
      throw error;
    } finally {
      this.cache.forget(counterId);
      await lease.release();
    }
    const after = await this.docs.snapshot(counterId);
    return viewOf(after.counter, after.shards);
  }

  /**
   * Finish what an interrupted call left: land every transfer in flight, and complete every
   * merge step (a draining shard is always drained and retired, never reopened).
   */
  private async recover(counterId: string): Promise<Snapshot> {
    const before = await this.docs.snapshot(counterId);
    let repaired = false;

    if (await this.ensureActiveShard(before)) repaired = true;

    const finished = await finishTransfers(this.docs, this.cache, before);
    if (finished > 0) {
      this.step(counterId, 'recovery: transfers finished', { transfers: finished });
      repaired = true;
    }
    for (const shard of before.shards.filter((s) => s.status === 'draining')) {
      await this.drainAndRetire(counterId, shard.id, before.counter.bounded);
      repaired = true;
    }

    return repaired ? this.docs.snapshot(counterId) : before;
  }

  /**
   * A call that outlived its lease (a store request slower than the lease) can drain the last
   * active shard while another call retires the rest. Nothing is lost, but units need an active
   * shard to land in, so the counter gets a fresh one. Adding an empty shard is safe with or
   * without the lease. Answers whether it had to.
   */
  private async ensureActiveShard(snapshot: Snapshot): Promise<boolean> {
    if (activeOf(snapshot).length > 0) return false;
    const shard = emptyShard(snapshot.counter.id, nextSeq(snapshot));
    await this.docs.create(shard);
    this.cache.forget(snapshot.counter.id);
    this.step(snapshot.counter.id, 'no active shard left; created one', { shard: shard.id });
    return true;
  }

  /** Move a draining shard's units to an active shard until it holds none, then retire it. */
  private async drainAndRetire(counterId: string, shardId: string, bounded: boolean) {
    for (;;) {
      const shard = await this.docs.readShard(counterId, shardId);
      if (shard === undefined || shard.status === 'retired') return;

      if (shard.amount === 0) {
        const retired = await this.docs.patchShard(
          counterId,
          shardId,
          [{ op: 'set', path: '/status', value: 'retired' }],
          "from c where c.status = 'draining' and c.amount = 0",
        );
        if (retired !== REFUSED) {
          this.step(counterId, 'merge: shard retired', { shard: shardId });
          return;
        }
        continue;
      }

      const target = await this.cache.pickActive(counterId, new Set([shardId]));
      if (target === undefined) {
        // Another call that outlived its lease retired the rest; see ensureActiveShard.
        await this.ensureActiveShard(await this.docs.snapshot(counterId));
        continue;
      }
      await transfer(
        this.docs,
        {
          counterId,
          from: shardId,
          to: target,
          amount: shard.amount,
          bounded,
          sourceCondition: "c.status = 'draining'",
        },
        (ex) => this.cache.pickActive(counterId, ex),
      );
      this.step(counterId, 'merge: units moved', {
        shard: shardId,
        to: target,
        amount: shard.amount,
      });
    }
  }

  /**
   * Move half of the richest active shard into `target`. A refusal means writers spent units
   * meanwhile; the split still stands, only less balanced, so it is logged and left.
   */
  private async moveHalf(snapshot: Snapshot, amounts: Map<string, number>, target: string) {
    const [richest, most] = [...amounts.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
    const half = Math.floor(most / 2);
    if (half <= 0) return;

    const moved = await transfer(
      this.docs,
      {
        counterId: snapshot.counter.id,
        from: richest,
        to: target,
        amount: half,
        bounded: snapshot.counter.bounded,
        sourceCondition: "c.status = 'active'",
      },
      (ex) => this.cache.pickActive(snapshot.counter.id, ex),
    );
    if (moved) {
      amounts.set(richest, most - half);
      amounts.set(target, half);
    }
    this.step(snapshot.counter.id, 'split: units moved', {
      from: richest,
      to: target,
      half,
      moved,
    });
  }

  private step(counterId: string, message: string, fields: object): void {
    this.options.log?.info({ counterId, ...fields }, message);
  }
}

export function emptyShard(counterId: string, seq: number, amount = 0): ShardDoc {
  return {
    id: randomUUID(),
    pk: counterId,
    type: 'shard',
    seq,
    amount,
    status: 'active',
    outbox: {},
    inbox: {},
    marks: {},
  };
}

function nextSeq(snapshot: Snapshot): number {
  return Math.max(0, ...snapshot.shards.map((s) => s.seq)) + 1;
}

function activeOf(snapshot: Snapshot): ShardDoc[] {
  return snapshot.shards.filter((s) => s.status === 'active');
}
