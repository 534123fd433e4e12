import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/cosmos/store.js';
import { Insufficient } from '../../src/counter/errors.js';
import type { CounterService } from '../../src/counter/model.js';
import { SHARD_LIMIT } from '../../src/counter/ranges.js';
import { createCounterService } from '../../src/counter/service.js';
import { openTestStore } from '../support/store.js';

let store: Store;
let counters: CounterService;

beforeAll(async () => {
  store = await openTestStore();
  counters = createCounterService(store.container);
});

afterAll(async () => {
  await store.close();
});

describe('create', () => {
  it.each([
    [7, 3],
    [1, 10],
    [0, 5],
    [1000, 10],
    [SHARD_LIMIT * 7 - 3, 7],
  ])('should spread %i over %i shards exactly', async (initialValue, shards) => {
    const created = await counters.create({ initialValue, shards, bounded: true });
    const read = await counters.get(created.id);

    expect(read.aggregate).toBe(initialValue);
    expect(read.shards).toHaveLength(shards);
    expect(read.shards.reduce((sum, s) => sum + s.amount, 0)).toBe(initialValue);
    expect(read.shards.every((s) => s.amount >= 0 && s.status === 'active')).toBe(true);
    const amounts = read.shards.map((s) => s.amount);
    expect(Math.max(...amounts) - Math.min(...amounts)).toBeLessThanOrEqual(1);
  });
});

describe('increment and decrement', () => {
  it('should reflect each delta exactly in the aggregate', async () => {
    const { id } = await counters.create({ initialValue: 100, shards: 4, bounded: true });

    await counters.apply(id, -7);
    await counters.apply(id, 12);
    await counters.apply(id, -1);

    expect((await counters.get(id)).aggregate).toBe(104);
  });

  it('should decrement across shards when no single shard holds enough', async () => {
    const { id } = await counters.create({ initialValue: 10, shards: 10, bounded: true });

    await counters.apply(id, -3);

    const read = await counters.get(id);
    expect(read.aggregate).toBe(7);
    expect(read.shards.every((s) => s.amount >= 0)).toBe(true);
  });

  it('should refuse a decrement larger than the total as insufficient', async () => {
    const { id } = await counters.create({ initialValue: 5, shards: 3, bounded: true });

    await expect(counters.apply(id, -6)).rejects.toBeInstanceOf(Insufficient);
    expect((await counters.get(id)).aggregate).toBe(5);
  });

  it('should let an unbounded counter go below zero', async () => {
    const { id } = await counters.create({ initialValue: 2, shards: 2, bounded: false });

    await counters.apply(id, -5);

    expect((await counters.get(id)).aggregate).toBe(-3);
  });
});

describe('concurrency', () => {
  it('should let exactly 50 of 200 concurrent decrements of 1 take the last 50 units', async () => {
    const { id } = await counters.create({ initialValue: 50, shards: 10, bounded: true });
    let lowest = Infinity;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const view = await counters.get(id);
        lowest = Math.min(lowest, view.aggregate, ...view.shards.map((s) => s.amount));
      }
    })();

    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, () => counters.apply(id, -1)),
    );
    watching = false;
    await watcher;

    const ok = outcomes.filter((o) => o.status === 'fulfilled').length;
    const refused = outcomes.filter(
      (o) => o.status === 'rejected' && o.reason instanceof Insufficient,
    ).length;
    expect(ok).toBe(50);
    expect(refused).toBe(150);
    const final = await counters.get(id);
    expect(final.aggregate).toBe(0);
    expect(final.shards.every((s) => s.amount === 0)).toBe(true);
    expect(lowest).toBeGreaterThanOrEqual(0);
  });

  it('should keep the total exact through split and merge while 20 writers run', async () => {
    const initial = 5000;
    const { id } = await counters.create({ initialValue: initial, shards: 10, bounded: true });
    let acknowledged = 0;
    let running = true;
    const writer = async () => {
      while (running) {
        const delta = Math.random() < 0.6 ? -(1 + Math.floor(Math.random() * 3)) : 2;
        try {
          await counters.apply(id, delta);
          acknowledged += delta;
        } catch (error) {
          if (!(error instanceof Insufficient)) throw error;
        }
      }
    };
    const writers = Array.from({ length: 20 }, writer);

    const afterSplit = await counters.split(id, 5);
    const afterMerge = await counters.merge(id, 8);
    const afterSecondSplit = await counters.split(id, 3);
    running = false;
    await Promise.all(writers);

    expect(afterSplit.activeShards).toBe(15);
    expect(afterMerge.activeShards).toBe(7);
    expect(afterSecondSplit.activeShards).toBe(10);
    const final = await counters.get(id);
    expect(final.aggregate).toBe(initial + acknowledged);
    expect(final.activeShards).toBe(10);
    expect(final.shards.filter((s) => s.status === 'retired').every((s) => s.amount === 0)).toBe(
      true,
    );
    expect(final.shards.every((s) => s.amount >= 0)).toBe(true);
  });
});
