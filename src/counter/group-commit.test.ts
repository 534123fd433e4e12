import { describe, expect, it } from 'vitest';
import { GroupCommit, type ShardTarget } from './group-commit.js';

/** A shard in memory with the store's conditional-patch rule, and a gate to hold patches. */
function shardStore(amount: number) {
  const state = { amount, patches: [] as number[] };
  let release: () => void = () => undefined;
  let gate = Promise.resolve();
  return {
    state,
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    open: () => release(),
    read: async () => state.amount,
    write: async (target: ShardTarget, delta: number) => {
      await gate;
      state.patches.push(delta);
      if (target.bounded && state.amount + delta < 0) return false;
      state.amount += delta;
      return true;
    },
  };
}

const target: ShardTarget = { counterId: 'c', shardId: 's', bounded: true };

describe('GroupCommit', () => {
  it('should send a lone update at once, in a patch of its own', async () => {
    const store = shardStore(10);
    const group = new GroupCommit(store.write, store.read, 4);

    await expect(group.submit(target, -3)).resolves.toBe(true);

    expect(store.state.patches).toEqual([-3]);
  });

  it('should carry updates that arrive while a patch is in flight in one summed patch', async () => {
    const store = shardStore(100);
    const group = new GroupCommit(store.write, store.read, 4);
    store.hold();
    const first = group.submit(target, -1);
    const rest = [-2, -3, 4, -5].map((d) => group.submit(target, d));
    store.open();

    await Promise.all([first, ...rest]);

    expect(store.state.patches).toEqual([-1, -6]);
    expect(store.state.amount).toBe(93);
    expect(group.stats).toEqual({ patches: 2, updates: 5, maxBatch: 4 });
  });

  it('should replay a refused batch one update at a time so as many succeed as units allow', async () => {
    const store = shardStore(1);
    const group = new GroupCommit(store.write, store.read, 4);
    store.hold();
    const first = group.submit(target, -1);
    const rest = [-1, -1, -1].map((d) => group.submit(target, d));
    store.open();

    expect(await first).toBe(true);
    expect(await Promise.all(rest)).toEqual([false, false, false]);
    expect(store.state.amount).toBe(0);
  });

  it('should send the updates that fit after a refusal, in arrival order', async () => {
    const store = shardStore(5);
    const group = new GroupCommit(store.write, store.read, 4);
    store.hold();
    const first = group.submit(target, -1);
    const rest = [-3, -2, -1, 1].map((d) => group.submit(target, d));
    store.open();

    expect(await first).toBe(true);
    expect(await Promise.all(rest)).toEqual([true, true, false, true]);
    expect(store.state.amount).toBe(0);
    expect(store.state.patches).toEqual([-1, -5, -4]);
  });

  it('should fail every update of a batch whose patch fails, and apply none', async () => {
    const store = shardStore(50);
    let failNext = false;
    const group = new GroupCommit(
      async (t, d) => {
        if (failNext) throw new Error('store away');
        return store.write(t, d);
      },
      store.read,
      4,
    );
    store.hold();
    const first = group.submit(target, -1);
    const rest = Promise.allSettled([-1, -2, -3].map((d) => group.submit(target, d)));
    failNext = true;
    store.open();

    await expect(first).resolves.toBe(true);
    const outcomes = await rest;
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(store.state.amount).toBe(49);
  });

  it('should send updates to busy shards once the counter has its share of patches in flight', () => {
    const store = shardStore(10);
    const group = new GroupCommit(store.write, store.read, 1);
    store.hold();
    void group.submit({ ...target, shardId: 'a' }, -1);

    expect(group.choose('c', ['b', 'a', 'c'])).toBe('a');
    expect(group.choose('other', ['b'])).toBe('b');
    store.open();
  });

  it('should never choose a shard that refused the update, and batch it on another', () => {
    const store = shardStore(10);
    const group = new GroupCommit(store.write, store.read, 1);
    store.hold();
    void group.submit({ ...target, shardId: 'a' }, -1);
    void group.submit({ ...target, shardId: 'b' }, -1);

    // 'a' refused it and 'b' is busy: join 'b' rather than open a third lane.
    expect(group.choose('c', ['a', 'c', 'b'], new Set(['a']))).toBe('b');
    // Both busy shards refused it: the room they take is not this update's to count.
    expect(group.choose('c', ['a', 'b', 'c'], new Set(['a', 'b']))).toBe('c');
    expect(group.choose('c', ['a', 'b'], new Set(['a', 'b']))).toBeUndefined();
    store.open();
  });
});
