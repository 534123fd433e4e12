import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/cosmos/store.js';
import { Contended, Insufficient } from '../../src/counter/errors.js';
import { createCounterService } from '../../src/counter/service.js';
import { openTestStore } from '../support/store.js';

let store: Store;

beforeAll(async () => {
  store = await openTestStore();
});

afterAll(async () => {
  await store.close();
});

function settle(outcomes: PromiseSettledResult<unknown>[]) {
  const ok = outcomes.filter((o) => o.status === 'fulfilled').length;
  const insufficient = outcomes.filter(
    (o) => o.status === 'rejected' && o.reason instanceof Insufficient,
  ).length;
  return { ok, insufficient, other: outcomes.length - ok - insufficient };
}

describe('group commit', () => {
  it('should let exactly 100 of 500 concurrent decrements of 1 take 100 units', async () => {
    const counters = createCounterService(store.container);
    const { id } = await counters.create({ initialValue: 100, shards: 10, bounded: true });

    const outcomes = await Promise.allSettled(
      Array.from({ length: 500 }, () => counters.apply(id, -1)),
    );

    expect(settle(outcomes)).toEqual({ ok: 100, insufficient: 400, other: 0 });
    const final = await counters.get(id);
    expect(final.aggregate).toBe(0);
    expect(final.shards.every((s) => s.amount === 0)).toBe(true);
  });

  it('should carry many concurrent updates in few patches', async () => {
    const counters = createCounterService(store.container);
    const { id } = await counters.create({ initialValue: 100_000, shards: 10, bounded: true });

    await Promise.all(Array.from({ length: 400 }, (_, i) => counters.apply(id, i % 2 ? 3 : -2)));

    const stats = counters.writeStats();
    expect(stats.updates).toBe(400);
    expect(stats.patches).toBeLessThanOrEqual(40);
    expect(stats.maxBatch).toBeGreaterThan(10);
    expect((await counters.get(id)).aggregate).toBe(100_000 + 200 * 3 - 200 * 2);
  });

  it('should batch the updates a shard running dry turns away on other shards', async () => {
    const counters = createCounterService(store.container);
    const { id } = await counters.create({ initialValue: 100, shards: 4, bounded: true });

    // The second patch carries 49 decrements to a shard of 25: it takes 24, 25 must go elsewhere.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () => counters.apply(id, -1)),
    );

    expect(settle(outcomes)).toEqual({ ok: 50, insufficient: 0, other: 0 });
    expect(counters.writeStats().updates).toBe(50);
    expect((await counters.get(id)).aggregate).toBe(50);
  });

  it('should keep the total exact with batches in flight during split and merge', async () => {
    const counters = createCounterService(store.container);
    const initial = 2_000;
    const { id } = await counters.create({ initialValue: initial, shards: 8, bounded: true });
    let acknowledged = 0;
    let contended = 0;
    let running = true;
    const writer = async () => {
      while (running) {
        const delta = Math.random() < 0.55 ? -(1 + Math.floor(Math.random() * 3)) : 2;
        try {
          await counters.apply(id, delta);
          acknowledged += delta;
        } catch (error) {
          // Both answers say "not applied"; anything else fails the test.
          if (error instanceof Contended) contended++;
          else if (!(error instanceof Insufficient)) throw error;
        }
      }
    };
    const writers = Array.from({ length: 100 }, writer);

    for (let round = 0; round < 3; round++) {
      await counters.split(id, 4);
      await counters.merge(id, 4);
    }
    running = false;
    await Promise.all(writers);

    const final = await counters.get(id);
    expect(final.aggregate).toBe(initial + acknowledged);
    expect(final.activeShards).toBe(8);
    expect(final.shards.every((s) => s.amount >= 0)).toBe(true);
    expect(counters.writeStats().meanBatch).toBeGreaterThan(1);
    expect(contended).toBeLessThan(50);
  });
});
