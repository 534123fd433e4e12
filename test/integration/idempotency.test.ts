import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { sweepOnce } from '../../src/cosmos/key-sweeper.js';
import { createCounterService } from '../../src/counter/service.js';
import { postJson, startTestServer } from '../support/server.js';

let server: RunningServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

async function createCounter(initialValue: number, shards = 5): Promise<string> {
  const response = await postJson(`${server.url}/api/counters`, { initialValue, shards });
  return ((await response.json()) as { id: string }).id;
}

function update(id: string, route: string, amount: number, key?: string) {
  return fetch(`${server.url}/api/counters/${id}/${route}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'Idempotency-Key': key }),
    },
    body: JSON.stringify({ amount }),
  });
}

async function aggregate(id: string): Promise<number> {
  const response = await fetch(`${server.url}/api/counters/${id}`);
  return ((await response.json()) as { aggregate: number }).aggregate;
}

describe('Idempotency-Key', () => {
  it('should apply once when the same key is sent 20 times concurrently', async () => {
    const id = await createCounter(100);
    const key = randomUUID();

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => update(id, 'decrement', 3, key)),
    );

    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const bodies = await Promise.all(
      responses.map((r) => r.json() as Promise<{ shardId: string }>),
    );
    expect(new Set(bodies.map((b) => b.shardId)).size).toBe(1);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(
      19,
    );
    expect(await aggregate(id)).toBe(97);
  });

  it('should return the first answer to a retry, and apply distinct keys separately', async () => {
    const id = await createCounter(50);

    const first = await update(id, 'increment', 5, 'order-1');
    const retry = await update(id, 'increment', 5, 'order-1');
    const other = await update(id, 'increment', 5, 'order-2');

    expect(await first.json()).toEqual(await retry.json());
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(other.status).toBe(200);
    expect(await aggregate(id)).toBe(60);
  });

  it('should refuse the same key with a different body with 422', async () => {
    const id = await createCounter(50);
    await update(id, 'decrement', 2, 'k-mismatch');

    const response = await update(id, 'decrement', 3, 'k-mismatch');
    const opposite = await update(id, 'increment', 2, 'k-mismatch');

    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'idempotency_mismatch',
    );
    expect(opposite.status).toBe(422);
    expect(await aggregate(id)).toBe(48);
  });

  it('should replay an insufficient answer without applying later', async () => {
    const id = await createCounter(2, 2);

    const first = await update(id, 'decrement', 5, 'too-much');
    await update(id, 'increment', 10);
    const retry = await update(id, 'decrement', 5, 'too-much');

    expect(first.status).toBe(409);
    expect(retry.status).toBe(409);
    expect(await aggregate(id)).toBe(12);
  });

  it('should decrement across shards with a key when no shard holds enough', async () => {
    const id = await createCounter(10, 10);

    const response = await update(id, 'decrement', 4, 'gather-1');

    expect(response.status).toBe(200);
    expect(await aggregate(id)).toBe(6);
  });

  it('should reject a malformed key with 400 naming the header', async () => {
    const id = await createCounter(10);

    const response = await update(id, 'decrement', 1, 'has spaces');

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { field: string } }).error.field).toBe(
      'Idempotency-Key',
    );
    expect(await aggregate(id)).toBe(10);
  });

  it('should apply once across two service instances sharing the store', async () => {
    const id = await createCounter(100);
    const replicas = [
      createCounterService(server.store.container, { keysContainer: server.store.keys }),
      createCounterService(server.store.container, { keysContainer: server.store.keys }),
    ];

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => replicas[i % 2]?.apply(id, -1, 'shared-key')),
    );

    expect(results.every((r) => r?.delta === -1)).toBe(true);
    expect(await aggregate(id)).toBe(99);
  });

  it('should keep deciding on the pinned shard through a merge', async () => {
    const id = await createCounter(100, 6);
    const keys = Array.from({ length: 30 }, () => randomUUID());

    const merge = postJson(`${server.url}/api/counters/${id}/merge`, { count: 5 });
    const first = await Promise.all(keys.map((k) => update(id, 'decrement', 1, k)));
    await merge;
    const again = await Promise.all(keys.map((k) => update(id, 'decrement', 1, k)));

    expect(first.every((r) => r.status === 200)).toBe(true);
    expect(again.every((r) => r.status === 200)).toBe(true);
    expect(await aggregate(id)).toBe(70);
  });
});

describe('idempotency records on the embedded emulator', () => {
  it('should live in their own container and be forgotten after the retention', async () => {
    const id = await createCounter(10);
    await update(id, 'decrement', 1, 'short-lived');
    const { resources } = await server.store.keys.items.readAll().fetchAll();
    expect(resources.length).toBeGreaterThan(0);
    expect(server.store.keys.id).not.toBe(server.store.container.id);

    const deleted = await sweepOnce(server.store.keys, -60);
    await update(id, 'decrement', 1, 'short-lived');

    expect(deleted).toBe(resources.length);
    expect(await aggregate(id)).toBe(8);
  });
});
