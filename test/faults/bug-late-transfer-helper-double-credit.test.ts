import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import type { FaultProxy, RequestInfo } from '../support/fault-proxy.js';
import { checkQuiet, History } from '../support/history.js';
import { applyDelta, createCounter, manage, readCounter, show } from './api.js';
import { startFaultStack, type FaultStack } from './stack.js';
import { storedTotal, type StoreView } from './store-view.js';

/**
 * Regression test for a double credit (fixed in 3585e02): two helpers finish the same transfer
 * left in flight. The late one saw the outbox entry before the early one finished, and its
 * credit reaches the store only after the early one has credited the target and cleared the
 * records. If the target's inbox record is gone by then, the late credit is applied again and
 * the counter gains units from nowhere.
 *
 * Here: a split's credit is lost (the split fails, its units stay in flight); a bounded
 * decrement that no shard can take alone lands the transfer itself, but its credit is slow (3 s);
 * meanwhile another split finishes the transfer. The total must stay exact.
 */

let stack: FaultStack;
let proxy: FaultProxy;
let server: RunningServer;
let store: StoreView;

beforeAll(async () => {
  stack = await startFaultStack({ COSMOS_REQUEST_TIMEOUT_MS: '1000', LEASE_TTL_MS: '1000' });
  ({ proxy, server, store } = stack);
});

afterAll(async () => {
  await stack?.close();
});

const isCredit = (info: RequestInfo) =>
  info.method === 'PATCH' && info.body.includes('"incr"') && info.body.includes('/inbox/');

describe('bug: a late helper credits a finished transfer twice', () => {
  it('should count units in flight once when two helpers finish one transfer', async () => {
    const base = server.url;
    const { id } = await createCounter(base, { initialValue: 10, shards: 2, bounded: true });
    const history = new History(10, true);

    let credits = 0;
    let lateCreditSent: () => void = () => undefined;
    const lateCredit = new Promise<void>((resolve) => (lateCreditSent = resolve));
    stack.hook = (info) => {
      if (info.partitionKey !== id || !isCredit(info)) return undefined;
      credits++;
      if (credits === 1) return { fault: 'drop' };
      if (credits === 2) {
        lateCreditSent();
        return { fault: 'delay', delayMs: 3_000 };
      }
      return undefined;
    };

    const failedSplit = await manage(base, id, 'split');
    expect(failedSplit.status, show(failedSplit)).toBe(503);
    const inFlight = await store.read(id);
    expect(inFlight.shards.flatMap((s) => Object.keys(s.outbox))).toHaveLength(1);

    const decrement = history.apply(-6, () => applyDelta(base, id, -6));
    await lateCredit;
    const split = await manage(base, id, 'split');
    await decrement;
    stack.hook = undefined;
    await proxy.idle(10_000);

    const stored = storedTotal((await store.read(id)).shards);
    const viaApi = (await readCounter(base, id))?.aggregate;
    console.log(
      `split ${split.status}; decrement ${history.ops[0]?.outcome}; credits ${credits}; ` +
        `stored ${stored}; api ${viaApi}`,
    );
    expect(credits).toBeGreaterThanOrEqual(3);
    expect(viaApi).toBe(stored);
    expect(checkQuiet(history, stored)).toEqual([]);
  });
});
