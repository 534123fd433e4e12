import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import type { FaultProxy } from '../support/fault-proxy.js';
import { applyDelta, createCounter, manage, show, sleep } from './api.js';
import { startFaultStack, type FaultStack } from './stack.js';
import type { StoreView } from './store-view.js';

/**
 * Regression test for a product bug found by the fault tests (fixed in 26c3b7e).
 *
 * The management lease expires while its holder is still working (here: the holder's
 * "draining" patch is slow to reach the store, for longer than the lease TTL; on Azure a few
 * throttled or slow requests in a row do the same against the 30 s default). A second merge
 * takes the expired lease, sees both shards active, and retires the other shard; then the
 * first merge's patch lands and drains the last active one. Before the fix nothing noticed,
 * so the counter was left with no active shard: its units sat in a draining shard that could
 * never be drained, every later split or merge failed in recovery (500), and every write was
 * refused (503 contended).
 *
 * Reproduction: LEASE_TTL_MS=1000, a bounded counter of 30 over 2 shards, decrement 1 (shards
 * 14/15); merge 1 with its `set /status` patch delayed 3 s; after 1.3 s decrement 15 (shards
 * 14/0) and merge 1 again. Before the fix: shards draining(14) + retired(0), no active shard.
 */

const LEASE_TTL_MS = 1_000;

let stack: FaultStack;
let proxy: FaultProxy;
let server: RunningServer;
let store: StoreView;

beforeAll(async () => {
  stack = await startFaultStack({ LEASE_TTL_MS: String(LEASE_TTL_MS) });
  ({ proxy, server, store } = stack);
});

afterAll(async () => {
  await stack?.close();
});

describe('bug: a merge that outlives its lease can leave a counter with no active shard', () => {
  it('should keep at least one shard active, and the counter writable', async () => {
    const base = server.url;
    const { id } = await createCounter(base, { initialValue: 30, shards: 2, bounded: true });
    expect((await applyDelta(base, id, -1)).outcome).toBe('ok');

    let delayed = false;
    stack.hook = (info) => {
      const draining = info.partitionKey === id && info.body.includes('"draining"');
      if (!draining || delayed) return undefined;
      delayed = true;
      return { fault: 'delay', delayMs: 3 * LEASE_TTL_MS };
    };
    const first = manage(base, id, 'merge');
    await sleep(LEASE_TTL_MS + 300);

    expect((await applyDelta(base, id, -15)).outcome).toBe('ok');
    const second = await manage(base, id, 'merge');
    const firstAnswer = await first;
    stack.hook = undefined;
    await proxy.idle(10_000);

    const stored = await store.read(id);
    const statuses = stored.shards.map((s) => `${s.status}(${s.amount})`).join(' ');
    console.log(`first merge ${show(firstAnswer)}; second ${show(second)}; shards ${statuses}`);
    expect(delayed).toBe(true);
    expect
      .soft(stored.shards.filter((s) => s.status === 'active').length, `shards: ${statuses}`)
      .toBeGreaterThanOrEqual(1);

    const write = await applyDelta(base, id, 1);
    expect.soft(write.outcome, write.detail).toBe('ok');
    const split = await manage(base, id, 'split');
    expect.soft(split.status, show(split)).toBe(200);
  });
});
