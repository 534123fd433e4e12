import type { CounterDoc, CounterView, ShardDoc } from './model.js';

/**
 * The exact total of a counter from one snapshot of its documents: every shard's amount, plus
 * each transfer that has left its source but has not reached its target. A transfer whose
 * target already recorded it in its inbox is inside the target's amount, so it is not added.
 */
export function aggregateOf(shards: readonly ShardDoc[]): number {
  const byId = new Map(shards.map((shard) => [shard.id, shard]));
  let total = 0;
  for (const shard of shards) {
    total += shard.amount;
    for (const [transferId, entry] of Object.entries(shard.outbox)) {
      const credited = byId.get(entry.to)?.inbox[transferId] !== undefined;
      if (!credited) total += entry.amount;
    }
  }
  return total;
}

export function viewOf(counter: CounterDoc, shards: readonly ShardDoc[]): CounterView {
  const ordered = [...shards].sort((a, b) => a.seq - b.seq);
  return {
    id: counter.id,
    name: counter.name,
    bounded: counter.bounded,
    initialValue: counter.initialvalue,
    aggregate: aggregateOf(shards),
    activeShards: ordered.filter((shard) => shard.status === 'active').length,
    shards: ordered.map(({ id, seq, amount, status }) => ({ id, seq, amount, status })),
    created: counter.created,
  };
}
