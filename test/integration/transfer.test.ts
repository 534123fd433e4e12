import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/cosmos/store.js';
import { CounterDocuments } from '../../src/counter/documents.js';
import { createCounterService } from '../../src/counter/service.js';
import { completeTransfer, transfer } from '../../src/counter/transfer.js';
import { openTestStore } from '../support/store.js';

let store: Store;

beforeAll(async () => {
  store = await openTestStore();
});

afterAll(async () => {
  await store.close();
});

/** A bounded counter of 10 units over two shards, and the documents behind it. */
async function twoShards() {
  const counters = createCounterService(store.container);
  const docs = new CounterDocuments(store.container);
  const created = await counters.create({ initialValue: 10, shards: 2, bounded: true });
  const [from, to] = created.shards;
  if (from === undefined || to === undefined) throw new Error('two shards expected');
  return { counters, docs, created, from, to };
}

describe('transfer', () => {
  it('should not credit twice when a late helper replays a transfer that already finished', async () => {
    const { counters, docs, created, from, to } = await twoShards();
    const noRedirect = async () => undefined;

    // A helper reads the source while the transfer is in flight ...
    await docs.patchShard(created.id, from.id, [
      { op: 'incr', path: '/amount', value: -3 },
      { op: 'set', path: '/outbox/tlate', value: { to: to.id, amount: 3 } },
    ]);
    const seen = await docs.readShard(created.id, from.id);
    const entry = seen?.outbox['tlate'];
    if (entry === undefined) throw new Error('outbox entry expected');
    // ... the transfer's owner finishes it ...
    await completeTransfer(docs, created.id, from.id, 'tlate', entry, noRedirect, Date.now());
    // ... and only then does the late helper act on what it saw.
    await completeTransfer(docs, created.id, from.id, 'tlate', entry, noRedirect, Date.now());

    expect((await counters.get(created.id)).aggregate).toBe(10);
  });

  it('should move units and leave no outbox entry behind', async () => {
    const { counters, docs, created, from, to } = await twoShards();

    const moved = await transfer(
      docs,
      { counterId: created.id, from: from.id, to: to.id, amount: 4, bounded: true },
      async () => undefined,
    );

    const after = await counters.get(created.id);
    expect(moved).toBe(true);
    expect(after.aggregate).toBe(10);
    expect(after.shards.map((s) => s.amount)).toEqual([1, 9]);
    const source = await docs.readShard(created.id, from.id);
    expect(source?.outbox).toEqual({});
  });

  it('should give the units back to an active source when no other shard can take them', async () => {
    const { counters, docs, created, from, to } = await twoShards();
    const nobodyElse = async () => undefined;

    // Units in flight to a shard that a merge retired before they arrived.
    await docs.patchShard(created.id, from.id, [
      { op: 'incr', path: '/amount', value: -3 },
      { op: 'set', path: '/outbox/tgone', value: { to: to.id, amount: 3 } },
    ]);
    await docs.patchShard(created.id, to.id, [{ op: 'set', path: '/status', value: 'retired' }]);
    const entry = { to: to.id, amount: 3 };

    await completeTransfer(docs, created.id, from.id, 'tgone', entry, nobodyElse, Date.now());
    // A late helper finds nothing left to do.
    await completeTransfer(docs, created.id, from.id, 'tgone', entry, nobodyElse, Date.now());

    const source = await docs.readShard(created.id, from.id);
    expect(source?.outbox).toEqual({});
    expect(source?.amount).toBe(5);
    expect((await counters.get(created.id)).aggregate).toBe(10);
  });

  it('should not give units back to a source that is being drained', async () => {
    const { docs, created, from, to } = await twoShards();

    await docs.patchShard(created.id, from.id, [
      { op: 'incr', path: '/amount', value: -3 },
      { op: 'set', path: '/status', value: 'draining' },
      { op: 'set', path: '/outbox/tdrain', value: { to: to.id, amount: 3 } },
    ]);
    await docs.patchShard(created.id, to.id, [{ op: 'set', path: '/status', value: 'retired' }]);

    await expect(
      completeTransfer(
        docs,
        created.id,
        from.id,
        'tdrain',
        { to: to.id, amount: 3 },
        async () => undefined,
        Date.now(),
      ),
    ).rejects.toThrow(/no active shard left/);
    expect((await docs.readShard(created.id, from.id))?.outbox['tdrain']).toEqual({
      to: to.id,
      amount: 3,
    });
  });
});
