import type { CounterDocuments, Snapshot } from './documents.js';
import type { ShardDoc } from './model.js';
import type { ShardCache } from './shard-cache.js';
import { completeTransfer, transfer } from './transfer.js';

/**
 * Moving units around on behalf of writers and management: landing transfers left in flight,
 * and gathering units into one shard when a bounded decrement needs more than any shard holds.
 */

/** Finish every transfer in the snapshot's outboxes. Answers how many there were. */
export async function finishTransfers(
  docs: CounterDocuments,
  cache: ShardCache,
  snapshot: Snapshot,
): Promise<number> {
  const counterId = snapshot.counter.id;
  let finished = 0;
  for (const shard of snapshot.shards) {
    for (const [transferId, entry] of Object.entries(shard.outbox)) {
      await completeTransfer(
        docs,
        counterId,
        shard.id,
        transferId,
        entry,
        (exclude) => cache.pickActive(counterId, exclude),
        snapshot.readAt,
      );
      finished++;
    }
  }
  return finished;
}

/**
 * Move units from other active shards into `target` until it holds `needed` (as far as the
 * snapshot says they exist). Sources are debited with a condition, so a source that writers
 * emptied meanwhile is simply skipped.
 */
export async function gatherInto(
  docs: CounterDocuments,
  cache: ShardCache,
  snapshot: Snapshot,
  target: ShardDoc,
  needed: number,
): Promise<void> {
  const counterId = snapshot.counter.id;
  const sources = snapshot.shards
    .filter((s) => s.status === 'active' && s.id !== target.id && s.amount > 0)
    .sort((a, b) => b.amount - a.amount);

  let missing = needed - target.amount;
  for (const source of sources) {
    if (missing <= 0) return;
    const amount = Math.min(source.amount, missing);
    const moved = await transfer(
      docs,
      {
        counterId,
        from: source.id,
        to: target.id,
        amount,
        bounded: true,
        sourceCondition: "c.status = 'active'",
      },
      (exclude) => cache.pickActive(counterId, exclude),
    );
    if (moved) missing -= amount;
  }
}
