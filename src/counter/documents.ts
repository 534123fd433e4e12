import type { Container, PatchOperation } from '@azure/cosmos';
import { CounterNotFound } from './errors.js';
import type { CounterDoc, IdempotencyDoc, ShardDoc } from './model.js';
import { statusOf } from '../cosmos/status.js';
import { translateStoreError } from './store-errors.js';

/**
 * Reads and writes of one counter's documents. Every call stays inside the counter's logical
 * partition (`pk = counterId`), and every store failure leaves here as a domain error.
 */

export interface Snapshot {
  counter: CounterDoc;
  /** ETag of the counter document, for the management lease. */
  etag: string;
  shards: ShardDoc[];
  /** Epoch ms just before the query was sent: the snapshot is no older than this. */
  readAt: number;
}

export interface Versioned<T> {
  doc: T;
  etag: string;
}

/** A patch whose condition was false (412): nothing was applied. */
export const REFUSED = 'refused' as const;

type StoredDoc = (CounterDoc | ShardDoc) & { _etag?: string };

export class CounterDocuments {
  /**
   * @param keys where idempotency records live: the same container on Azure; a container of
   *   their own on the embedded emulator, whose queries and conditional patches scan every
   *   document of a container, so thousands of records would slow every counter write there
   */
  constructor(
    private readonly container: Container,
    private readonly keys: Container = container,
  ) {}

  /**
   * One single-partition query: the counter document and all its shards, as one snapshot.
   * Throws CounterNotFound when the counter document is not there (yet, or at all).
   */
  async snapshot(counterId: string): Promise<Snapshot> {
    const readAt = Date.now();
    const docs = await this.call('read', async () => {
      const query = this.container.items.query<StoredDoc>(
        {
          query: 'SELECT * FROM c WHERE c.pk = @pk',
          parameters: [{ name: '@pk', value: counterId }],
        },
        { partitionKey: counterId },
      );
      return (await query.fetchAll()).resources;
    });

    let counter: CounterDoc | undefined;
    let etag = '';
    const shards: ShardDoc[] = [];
    for (const doc of docs) {
      if (doc.type === 'counter') {
        counter = doc;
        etag = doc._etag ?? '';
      } else if (doc.type === 'shard') {
        shards.push(doc);
      }
    }
    if (counter === undefined) throw new CounterNotFound(counterId);
    return { counter, etag, shards, readAt };
  }

  /** A cross-partition query, for start-up only: counters with a merge left half done. */
  async countersWithDrainingShards(): Promise<string[]> {
    const pks = await this.call('read', async () => {
      const query = this.container.items.query<{ pk: string }>(
        "SELECT c.pk FROM c WHERE c.type = 'shard' AND c.status = 'draining'",
      );
      return (await query.fetchAll()).resources;
    });
    return [...new Set(pks.map((row) => row.pk))];
  }

  async readShard(counterId: string, shardId: string): Promise<ShardDoc | undefined> {
    return this.call('read', async () => {
      const { resource } = await this.container.item(shardId, counterId).read<ShardDoc>();
      return resource;
    });
  }

  async create(doc: CounterDoc | ShardDoc): Promise<void> {
    await this.call('write', () => this.container.items.create(doc));
  }

  /** Create `doc` unless a document with its id exists. Answers its ETag, or undefined (409). */
  async createIfAbsent(doc: IdempotencyDoc): Promise<string | undefined> {
    return this.call('write', async () => {
      try {
        return (await this.keys.items.create(doc)).etag;
      } catch (error) {
        if (statusOf(error) === 409) return undefined;
        throw error;
      }
    });
  }

  async readRecord(counterId: string, id: string): Promise<Versioned<IdempotencyDoc> | undefined> {
    return this.call('read', async () => {
      const { resource, etag } = await this.keys.item(id, counterId).read<IdempotencyDoc>();
      return resource === undefined ? undefined : { doc: resource, etag };
    });
  }

  /**
   * Apply `operations` to a shard if `condition` (a Cosmos SQL filter, all lower case) holds.
   * Answers the patched document, or REFUSED when the condition was false.
   */
  async patchShard(
    counterId: string,
    shardId: string,
    operations: PatchOperation[],
    condition?: string,
  ): Promise<ShardDoc | typeof REFUSED> {
    return this.call('write', async () => {
      try {
        const body = condition === undefined ? { operations } : { operations, condition };
        const { resource } = await this.container.item(shardId, counterId).patch<ShardDoc>(body);
        if (resource === undefined)
          throw new Error(`patch of shard ${shardId} returned no document`);
        return resource;
      } catch (error) {
        if (statusOf(error) === 412) return REFUSED;
        throw error;
      }
    });
  }

  /** Replace a document if unchanged since `etag`. Answers the new ETag, or undefined (412). */
  async replaceIfUnchanged(
    doc: CounterDoc | IdempotencyDoc,
    etag: string,
  ): Promise<string | undefined> {
    return this.call('write', async () => {
      try {
        const container = doc.type === 'idem' ? this.keys : this.container;
        const replaced = await container
          .item(doc.id, doc.pk)
          .replace(doc, { accessCondition: { type: 'IfMatch', condition: etag } });
        return replaced.etag;
      } catch (error) {
        if (statusOf(error) === 412) return undefined;
        throw error;
      }
    });
  }

  private async call<T>(kind: 'read' | 'write', run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw translateStoreError(error, kind);
    }
  }
}
