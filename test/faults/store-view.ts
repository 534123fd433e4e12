import { CosmosClient } from '@azure/cosmos';
import type { RequestInfo } from '../support/fault-proxy.js';

/**
 * The stored documents of one counter, read straight from the emulator (not through the proxy
 * or the product), so a test can check what the product left behind.
 */

export interface StoredShard {
  id: string;
  seq: number;
  amount: number;
  status: 'active' | 'draining' | 'retired';
  outbox: Record<string, { to: string; amount: number }>;
  /** Transfer id → when it was credited (or `true` in older documents). */
  inbox: Record<string, unknown>;
  marks?: Record<string, string>;
}

export interface StoredCounter {
  id: string;
  initialvalue: number;
  bounded: boolean;
  lease?: { owner: string; expires: number };
}

export interface StoredState {
  counter: StoredCounter;
  shards: StoredShard[];
}

export class StoreView {
  private readonly client: CosmosClient;

  constructor(endpoint: string) {
    this.client = new CosmosClient({
      endpoint,
      key: 'fault-test-key',
      connectionPolicy: { enableEndpointDiscovery: false, requestTimeout: 10_000 },
    });
  }

  async read(counterId: string): Promise<StoredState> {
    const container = this.client.database('CounterDB').container('Counters');
    const { resources } = await container.items
      .query<{ type: string }>(
        {
          query: 'SELECT * FROM c WHERE c.pk = @pk',
          parameters: [{ name: '@pk', value: counterId }],
        },
        { partitionKey: counterId },
      )
      .fetchAll();
    const counter = resources.find((d) => d.type === 'counter') as StoredCounter | undefined;
    if (counter === undefined) throw new Error(`counter ${counterId} not in the store`);
    const shards = resources.filter((d) => d.type === 'shard') as unknown as StoredShard[];
    return { counter, shards: shards.sort((a, b) => a.seq - b.seq) };
  }

  dispose(): void {
    this.client.dispose();
  }
}

/** The exact total from stored documents, computed independently of the product's code. */
export function storedTotal(shards: readonly StoredShard[]): number {
  let total = 0;
  for (const shard of shards) {
    total += shard.amount;
    for (const [transferId, entry] of Object.entries(shard.outbox ?? {})) {
      const target = shards.find((s) => s.id === entry.to);
      if (target?.inbox?.[transferId] === undefined) total += entry.amount;
    }
  }
  return total;
}

/**
 * Whether a request is one of a split's or merge's writes on `counterId`: the lease (a replace
 * of the counter document), a new shard, or a shard patch that touches the transfer records or
 * the status. Plain increments and decrements patch only `/amount`.
 */
export function isManagementWrite(info: RequestInfo, counterId: string): boolean {
  if (info.partitionKey !== counterId) return false;
  if (info.method === 'PUT') return info.path.endsWith(`/docs/${counterId}`);
  if (info.method === 'POST') {
    return info.headers['x-ms-documentdb-isquery'] === undefined && info.body.includes('"shard"');
  }
  if (info.method === 'PATCH') return /\/(outbox|inbox|status)\b/.test(info.body);
  return false;
}

/** A short description of a write, for logs: `PATCH /status`, `PUT lease`, `POST shard`. */
export function describeWrite(info: RequestInfo): string {
  if (info.method === 'PUT') return 'PUT counter (lease)';
  if (info.method === 'POST') return 'POST shard';
  const paths = [...info.body.matchAll(/"path":"(\/[a-z]+)/g)].map((m) => m[1]);
  const ops = [...info.body.matchAll(/"op":"([a-z]+)"/g)].map((m) => m[1]);
  return `PATCH ${ops.map((op, i) => `${op} ${paths[i] ?? ''}`).join(', ')}`;
}
