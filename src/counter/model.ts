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
  inbox: Record<string, true>;
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
  apply(counterId: string, delta: number): Promise<ApplyResult>;
  split(counterId: string, count: number): Promise<CounterView>;
  merge(counterId: string, count: number): Promise<CounterView>;
  /** Since the process started. */
  writeStats(): WriteStats;
}
