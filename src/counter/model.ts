/**
 * The counter's stored documents and the views the rest of the product reads.
 *
 * Property names that appear in a patch condition are all lower case: the embedded emulator
 * lower-cases the whole filter predicate, so `c.amount` matches and `c.Amount` never would.
 */

export const MAX_SHARDS = 100;

/** A shard takes writes while active; draining is the first step of a merge; retired is final. */
export type ShardStatus = 'active' | 'draining' | 'retired';

/** Units debited from a shard and not yet credited to `to` (see transfer.ts). */
export interface OutboxEntry {
  to: string;
  amount: number;
}

export interface Lease {
  owner: string;
  /** Epoch milliseconds after which another process may take the lease. */
  expires: number;
}

export interface CounterDoc {
  id: string;
  pk: string;
  type: 'counter';
  name: string;
  initialvalue: number;
  bounded: boolean;
  created: string;
  lease?: Lease;
}

export interface ShardDoc {
  id: string;
  pk: string;
  type: 'shard';
  /** Position in creation order, for stable display. */
  seq: number;
  amount: number;
  status: ShardStatus;
  outbox: Record<string, OutboxEntry>;
  /**
   * Transfers credited here, with when (epoch ms). An entry outlives its transfer as a
   * tombstone, so a helper acting late on an outbox entry it saw earlier cannot credit twice.
   */
  inbox: Record<string, number>;
  /**
   * Idempotent updates decided on this shard, by marker (see idempotency.ts): `applied` when
   * its delta is in `amount`, `refused` or `moved` when it never will be. Removed once the
   * update's record is final.
   */
  marks: Record<string, Mark>;
}

export type Mark = 'applied' | 'refused' | 'moved';

/** What an idempotent update answered; replayed to every retry with the same key. */
export type IdempotentOutcome =
  | { kind: 'applied'; shardId: string }
  | { kind: 'insufficient'; requested: number; available: number }
  | { kind: 'out_of_range'; total: number };

/** One Idempotency-Key's record, in the counter's partition. */
export interface IdempotencyDoc {
  id: string;
  pk: string;
  type: 'idem';
  /** The operation the key was first used for; another with the same key is refused. */
  delta: number;
  /** The shard whose marker decides the outcome. */
  shard: string;
  owner: string;
  /** Epoch ms; after it another request with the key may take over. */
  expires: number;
  outcome?: IdempotentOutcome;
  /** Seconds until Cosmos deletes the record (where the container enables per-item TTL). */
  ttl: number;
}

export interface ShardView {
  id: string;
  seq: number;
  amount: number;
  status: ShardStatus;
}

export interface CounterView {
  id: string;
  name: string;
  bounded: boolean;
  initialValue: number;
  /** Exact total: every shard plus units in flight between shards, counted once. */
  aggregate: number;
  activeShards: number;
  shards: ShardView[];
  created: string;
}

export interface CreateCounterInput {
  name?: string;
  initialValue: number;
  shards: number;
  bounded: boolean;
}

export interface ApplyResult {
  counterId: string;
  delta: number;
  shardId: string;
  /** True when this answers a retry of an earlier request with the same Idempotency-Key. */
  replayed?: boolean;
}

/** How well group commit is batching: store patches issued for the updates they carried. */
export interface WriteStats {
  patches: number;
  updates: number;
  meanBatch: number;
  maxBatch: number;
}

/** What the HTTP and web layers need from the counter core. */
export interface CounterService {
  create(input: CreateCounterInput): Promise<CounterView>;
  get(counterId: string): Promise<CounterView>;
  /** With an idempotency key, a retry returns the first answer and applies nothing twice. */
  apply(counterId: string, delta: number, idempotencyKey?: string): Promise<ApplyResult>;
  split(counterId: string, count: number): Promise<CounterView>;
  merge(counterId: string, count: number): Promise<CounterView>;
  /** Since the process started. */
  writeStats(): WriteStats;
  /** Finish splits and merges that a dead process left half done; answers counters seen. */
  resumeInterrupted(): Promise<number>;
}
