import { randomBytes } from 'node:crypto';
import { REFUSED, type CounterDocuments } from './documents.js';
import type { OutboxEntry, ShardDoc } from './model.js';

/**
 * Moving units between two shards of one counter with single-document atomic steps only:
 *
 * 1. debit the source and record the transfer in its outbox, in one conditional patch;
 * 2. credit the target and record the transfer in its inbox, guarded by "not yet recorded";
 * 3. remove the outbox entry.
 *
 * Between 1 and 2 the units are counted from the outbox entry (see aggregate.ts), after 2 from
 * the target, so the total never changes. Steps 2 and 3 are idempotent: anyone who finds an
 * outbox entry may finish the transfer (recovery after a crash does exactly that).
 *
 * The inbox entry stays after step 3, as a tombstone: a helper that saw the outbox entry before
 * step 3 may still try step 2, and the tombstone refuses it. Helpers act within `STALE_MS` of
 * seeing an entry (or look again), so tombstones older than `TOMBSTONE_MS` are pruned.
 *
 * Only active shards accept credits, and a shard never becomes active again once it starts
 * draining. A transfer whose target stopped being active before it was credited is redirected
 * to another active shard, with a patch that checks the entry still points where we think; when
 * the source is the only active shard left, the units go back to it.
 */

/** A helper that saw an outbox entry longer ago than this reads the source again first. */
const STALE_MS = 30_000;
/** Far longer than STALE_MS plus a store request's lifetime. */
export const TOMBSTONE_MS = 10 * 60_000;
/** Patch operations are capped at 10 per request; pruning leaves room for nothing else. */
const PRUNE_PER_PATCH = 10;

export interface TransferRequest {
  counterId: string;
  from: string;
  to: string;
  amount: number;
  /** Extra filter on the source, e.g. "c.status = 'active'"; all lower case. */
  sourceCondition?: string;
  /** Bounded counters never debit a shard below zero. */
  bounded: boolean;
}

/** Picks an active shard other than the ones given, for redirected credits. */
export type ActiveShardPicker = (exclude: ReadonlySet<string>) => Promise<string | undefined>;

export function newTransferId(): string {
  return `t${randomBytes(8).toString('hex')}`;
}

/**
 * Debit and record (step 1), then finish the transfer. Answers false when the source refused
 * the debit (too few units, or no longer in the required state): then nothing moved.
 */
export async function transfer(
  docs: CounterDocuments,
  request: TransferRequest,
  pickActive: ActiveShardPicker,
): Promise<boolean> {
  const { counterId, from, to, amount } = request;
  const transferId = newTransferId();
  const conditions = [
    request.bounded ? `c.amount >= ${amount}` : undefined,
    request.sourceCondition,
  ].filter((c) => c !== undefined);

  const debited = await docs.patchShard(
    counterId,
    from,
    [
      { op: 'incr', path: '/amount', value: -amount },
      { op: 'set', path: `/outbox/${transferId}`, value: { to, amount } },
    ],
    conditions.length > 0 ? `from c where ${conditions.join(' and ')}` : undefined,
  );
  if (debited === REFUSED) return false;

  const entry = { to, amount };
  await completeTransfer(docs, counterId, from, transferId, entry, pickActive, Date.now());
  return true;
}

/**
 * Steps 2 and 3 for a transfer found in `from`'s outbox at `seenAt` (epoch ms). Safe to run
 * more than once, concurrently, and after the transfer finished.
 */
export async function completeTransfer(
  docs: CounterDocuments,
  counterId: string,
  from: string,
  transferId: string,
  seen: OutboxEntry,
  pickActive: ActiveShardPicker,
  seenAt: number,
): Promise<void> {
  let entry: OutboxEntry | undefined = seen;
  if (Date.now() - seenAt > STALE_MS) {
    entry = (await docs.readShard(counterId, from))?.outbox[transferId];
    if (entry === undefined) return;
  }

  let target = entry.to;
  const tried = new Set<string>();
  for (;;) {
    tried.add(target);
    const credited = await credit(docs, counterId, target, transferId, entry.amount);
    if (credited) break;

    const next = await redirect(
      docs,
      counterId,
      from,
      transferId,
      { ...entry, to: target },
      tried,
      pickActive,
    );
    if (next === undefined) return; // finished: by someone else, or back in the source
    target = next;
  }

  await docs.patchShard(
    counterId,
    from,
    [{ op: 'remove', path: `/outbox/${transferId}` }],
    `from c where is_defined(c.outbox.${transferId})`,
  );
}

/** Step 2. True when the target holds the units now (credited by us or earlier). */
async function credit(
  docs: CounterDocuments,
  counterId: string,
  target: string,
  transferId: string,
  amount: number,
): Promise<boolean> {
  const result = await docs.patchShard(
    counterId,
    target,
    [
      { op: 'incr', path: '/amount', value: amount },
      { op: 'set', path: `/inbox/${transferId}`, value: Date.now() },
    ],
    `from c where c.status = 'active' and not is_defined(c.inbox.${transferId})`,
  );
  if (result !== REFUSED) {
    await pruneTombstones(docs, result);
    return true;
  }

  // Refused: either already credited, or the target is no longer active. Status never goes
  // back to active, so an active target refused only because the inbox has the transfer.
  const shard = await docs.readShard(counterId, target);
  if (shard === undefined) return false;
  return shard.status === 'active' || shard.inbox[transferId] !== undefined;
}

/**
 * Point the outbox entry at another active shard. Answers the new target, or undefined when
 * the entry is gone (the transfer was finished elsewhere, or its units went back to `from`).
 */
async function redirect(
  docs: CounterDocuments,
  counterId: string,
  from: string,
  transferId: string,
  entry: OutboxEntry,
  tried: ReadonlySet<string>,
  pickActive: ActiveShardPicker,
): Promise<string | undefined> {
  const oldTarget = entry.to;
  const next = await pickActive(new Set([...tried, from]));
  const moved =
    next === undefined
      ? await refund(docs, counterId, from, transferId, entry)
      : await docs.patchShard(
          counterId,
          from,
          [{ op: 'set', path: `/outbox/${transferId}/to`, value: next }],
          `from c where c.outbox.${transferId}.to = '${oldTarget}'`,
        );
  if (moved !== REFUSED) return next;

  // The entry changed under us: finished by someone else, or redirected by someone else.
  const source: ShardDoc | undefined = await docs.readShard(counterId, from);
  const current = source?.outbox[transferId]?.to;
  if (current === oldTarget) {
    throw new Error(`no active shard left to receive transfer ${transferId}`);
  }
  return current;
}

/**
 * When no other shard can take the units, they go back where they came from: credited to the
 * source and the outbox entry removed, in one patch, so they are counted once throughout. Only
 * to an active source (a draining one is being emptied), and only if the entry still points at
 * the target that refused it.
 */
function refund(
  docs: CounterDocuments,
  counterId: string,
  from: string,
  transferId: string,
  entry: OutboxEntry,
): Promise<ShardDoc | typeof REFUSED> {
  return docs.patchShard(
    counterId,
    from,
    [
      { op: 'incr', path: '/amount', value: entry.amount },
      { op: 'remove', path: `/outbox/${transferId}` },
    ],
    `from c where c.status = 'active' and c.outbox.${transferId}.to = '${entry.to}'`,
  );
}

/**
 * Drop inbox entries old enough that no helper can still act on their transfer. Guarded on
 * every entry still being there, so two pruners never fail each other's patch half way.
 */
async function pruneTombstones(docs: CounterDocuments, shard: ShardDoc): Promise<void> {
  const cutoff = Date.now() - TOMBSTONE_MS;
  const expired = Object.entries(shard.inbox)
    .filter(([, at]) => at < cutoff)
    .slice(0, PRUNE_PER_PATCH)
    .map(([transferId]) => transferId);
  if (expired.length === 0) return;

  await docs.patchShard(
    shard.pk,
    shard.id,
    expired.map((transferId) => ({ op: 'remove', path: `/inbox/${transferId}` })),
    `from c where ${expired.map((t) => `is_defined(c.inbox.${t})`).join(' and ')}`,
  );
}
