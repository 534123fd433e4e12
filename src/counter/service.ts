import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import { viewOf } from './aggregate.js';
import { CounterDocuments } from './documents.js';
import { emptyShard, Management, type StepLog } from './management.js';
import type {
  ApplyResult,
  CounterDoc,
  CounterService,
  CounterView,
  CreateCounterInput,
} from './model.js';
import { IdempotentWrites } from './idempotency.js';
import { checkInitial } from './ranges.js';
import { ShardCache } from './shard-cache.js';
import { splitAmount } from './split-amount.js';
import { Writes } from './writes.js';

export interface CounterServiceOptions {
  /** How long a dead process's split or merge blocks others. */
  leaseTtlMs?: number;
  /** How long writers trust their list of active shards before re-reading it. */
  shardListTtlMs?: number;
  /**
   * Shards of one counter this process patches at once; see group-commit.ts. 0 turns group
   * commit off: every update is a patch of its own.
   */
  maxBusyShards?: number;
  /** The store client's request timeout; idempotent updates size their ownership on it. */
  requestTimeoutMs?: number;
  /** How long an Idempotency-Key is remembered. */
  idempotencyRetentionSeconds?: number;
  /** Where idempotency records live, if not beside the counters (see documents.ts). */
  keysContainer?: Container;
  log?: StepLog;
}

/** Shards created at once when a counter is made; keeps a 100-shard create under the RU budget. */
const CREATE_PARALLELISM = 10;

/**
 * The distributed counter on one Cosmos container.
 *
 * @example
 * const counters = createCounterService(store.container);
 * const { id } = await counters.create({ initialValue: 1000, shards: 10, bounded: true });
 * await counters.apply(id, -3);
 * (await counters.get(id)).aggregate; // 997
 */
export function createCounterService(
  container: Container,
  options: CounterServiceOptions = {},
): CounterService {
  const docs = new CounterDocuments(container, options.keysContainer);
  const cache = new ShardCache(docs, options.shardListTtlMs ?? 2_000);
  const writes = new Writes(docs, cache, options.maxBusyShards ?? 1, (counterId) =>
    management.resume(counterId),
  );
  const idempotent = new IdempotentWrites(docs, cache, {
    sendWindowMs: 10_000,
    // The client retries a throttled request for up to 5 s (see cosmos/client.ts).
    requestLifetimeMs: (options.requestTimeoutMs ?? 10_000) + 5_000,
    retentionSeconds: options.idempotencyRetentionSeconds ?? 24 * 3600,
    log: options.log,
  });
  const management = new Management(docs, cache, {
    leaseTtlMs: options.leaseTtlMs ?? 30_000,
    log: options.log,
  });

  return {
    create: (input) => create(docs, input),
    get: (counterId) => get(docs, counterId),
    apply: (counterId, delta, key): Promise<ApplyResult> =>
      key === undefined ? writes.apply(counterId, delta) : idempotent.apply(counterId, delta, key),
    split: (counterId, count) => management.split(counterId, count),
    merge: (counterId, count) => management.merge(counterId, count),
    writeStats: () => writes.stats,
    resumeInterrupted: () => management.resumeInterrupted(),
  };
}

/**
 * Shards first, the counter document last: until every shard exists the counter is not found,
 * so a crash half way leaves only unreachable shards, never a counter with a wrong total.
 */
async function create(docs: CounterDocuments, input: CreateCounterInput): Promise<CounterView> {
  checkInitial(input.initialValue, input.shards);
  const id = randomUUID();
  const shards = splitAmount(input.initialValue, input.shards).map((amount, i) =>
    emptyShard(id, i + 1, amount),
  );
  for (let i = 0; i < shards.length; i += CREATE_PARALLELISM) {
    await Promise.all(shards.slice(i, i + CREATE_PARALLELISM).map((shard) => docs.create(shard)));
  }

  const counter: CounterDoc = {
    id,
    pk: id,
    type: 'counter',
    name: input.name?.trim() || `counter ${id.slice(0, 8)}`,
    initialvalue: input.initialValue,
    bounded: input.bounded,
    created: new Date().toISOString(),
  };
  await docs.create(counter);
  return viewOf(counter, shards);
}

async function get(docs: CounterDocuments, counterId: string): Promise<CounterView> {
  const snapshot = await docs.snapshot(counterId);
  return viewOf(snapshot.counter, snapshot.shards);
}
