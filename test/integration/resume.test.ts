import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/cosmos/store.js';
import { createCounterService } from '../../src/counter/service.js';
import { openTestStore } from '../support/store.js';

let store: Store;

beforeAll(async () => {
  store = await openTestStore();
});

afterAll(async () => {
  await store.close();
});

describe('resuming interrupted merges', () => {
  it('should retire a shard left draining and keep the total', async () => {
    const counters = createCounterService(store.container);
    const created = await counters.create({ initialValue: 90, shards: 3, bounded: true });
    const [victim] = created.shards;
    if (victim === undefined) throw new Error('no shard');
    // What a process killed right after the first merge step leaves behind.
    await store.container.item(victim.id, created.id).patch({
      operations: [{ op: 'set', path: '/status', value: 'draining' }],
    });

    const seen = await createCounterService(store.container).resumeInterrupted();

    const after = await counters.get(created.id);
    expect(seen).toBeGreaterThanOrEqual(1);
    expect(after.aggregate).toBe(90);
    expect(after.activeShards).toBe(2);
    expect(after.shards.find((s) => s.id === victim.id)).toMatchObject({
      status: 'retired',
      amount: 0,
    });
  });

  it('should let a decrement reach units a dead merge left in draining shards', async () => {
    const counters = createCounterService(store.container);
    const created = await counters.create({ initialValue: 40, shards: 4, bounded: true });
    for (const shard of created.shards.slice(1)) {
      await store.container.item(shard.id, created.id).patch({
        operations: [{ op: 'set', path: '/status', value: 'draining' }],
      });
    }

    const result = await counters.apply(created.id, -25);

    const after = await counters.get(created.id);
    expect(result.delta).toBe(-25);
    expect(after.aggregate).toBe(15);
    expect(after.shards.filter((s) => s.status === 'draining')).toHaveLength(0);
  });
});
