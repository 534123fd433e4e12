import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { aggregateOf } from './aggregate.js';
import { REFUSED, type CounterDocuments, type Snapshot, type Versioned } from './documents.js';
import {
  Contended,
  CounterNotFound,
  IdempotencyMismatch,
  Insufficient,
  InvalidOperation,
  OutcomeUnknown,
  StoreThrottled,
  StoreUnavailable,
} from './errors.js';
import type { ApplyResult, IdempotencyDoc, IdempotentOutcome, Mark, ShardDoc } from './model.js';
import type { StepLog } from './management.js';
import { checkRange, fitsShard, rangeCondition } from './ranges.js';
import { finishTransfers, gatherInto } from './rebalance.js';
import { shuffled, type ShardCache } from './shard-cache.js';

/**
 * Updates with an Idempotency-Key: a retry of the same key returns the first answer and
 * applies nothing twice, across retries, restarts and replicas.
 *
 * Each key has a record document in the counter's partition, created once (the id is derived
 * from the key, so a second create is refused). The record pins one shard, and the outcome is
 * decided on that shard by a marker set in the same patch as the `incr` (`applied`) or in a
 * patch of its own (`refused`, or `moved` when the shard stopped taking writes). Every marker
 * patch is guarded by "no marker yet", so exactly one outcome wins even if two processes try.
 *
 * One request at a time owns a record (its `owner` and `expires`); others with the same key
 * wait for the outcome. An owner only sends patches during the first `sendWindowMs` of its
 * ownership, and ownership lasts longer than that window plus a store request's lifetime, so
 * a taken-over owner's last patch has landed (or never will) before anyone else looks.
 * That reasoning assumes the replicas' clocks agree to within a few seconds.
 */

export interface IdempotencyOptions {
  /** How long an owner may keep sending; the store's request timeout must fit after it. */
  sendWindowMs: number;
  /** The store client's request timeout, retries included. */
  requestLifetimeMs: number;
  /** How long a key is remembered, in seconds. */
  retentionSeconds: number;
  log?: StepLog;
}

const POLL_MS = 50;
const ROUNDS = 5;

/** An outcome, and whether an earlier request with the key decided it (then it is a replay). */
interface Decided {
  outcome: IdempotentOutcome;
  earlier: boolean;
}

type Claim =
  | { kind: 'owned'; record: Versioned<IdempotencyDoc> }
  | { kind: 'done'; outcome: IdempotentOutcome }
  | { kind: 'wait' };

export class IdempotentWrites {
  private readonly ownershipMs: number;

  constructor(
    private readonly docs: CounterDocuments,
    private readonly cache: ShardCache,
    private readonly options: IdempotencyOptions,
  ) {
    this.ownershipMs = options.sendWindowMs + options.requestLifetimeMs + 5_000;
  }

  async apply(counterId: string, delta: number, key: string): Promise<ApplyResult> {
    const view = await this.cache.get(counterId);
    const recordId = `idem-${digest(key)}`;
    const mark = `k${digest(key).slice(0, 32)}`;
    const giveUpAt = Date.now() + 2 * this.ownershipMs;

    while (Date.now() < giveUpAt) {
      const claim = await this.claim(counterId, recordId, key, delta, view.active);
      if (claim.kind === 'done')
        return { ...answer(counterId, delta, claim.outcome), replayed: true };
      if (claim.kind === 'owned') {
        const decided = await this.decide(claim.record, mark, view.bounded);
        if (decided !== undefined) {
          return { ...answer(counterId, delta, decided.outcome), replayed: decided.earlier };
        }
      }
      await sleep(POLL_MS);
    }
    throw new Contended(1_000);
  }

  /** Create the record, or find it: done, owned by someone alive, or left by someone dead. */
  private async claim(
    counterId: string,
    recordId: string,
    key: string,
    delta: number,
    active: readonly string[],
  ): Promise<Claim> {
    const shard = shuffled(active)[0];
    if (shard === undefined) throw new CounterNotFound(counterId);
    const fresh: IdempotencyDoc = {
      id: recordId,
      pk: counterId,
      type: 'idem',
      delta,
      shard,
      owner: randomUUID(),
      expires: Date.now() + this.ownershipMs,
      ttl: this.options.retentionSeconds,
    };
    const created = await this.docs.createIfAbsent(fresh);
    if (created !== undefined) return { kind: 'owned', record: { doc: fresh, etag: created } };

    const existing = await this.docs.readRecord(counterId, recordId);
    if (existing === undefined) return { kind: 'wait' };
    if (existing.doc.delta !== delta) throw new IdempotencyMismatch(key);
    if (existing.doc.outcome !== undefined) return { kind: 'done', outcome: existing.doc.outcome };
    if (existing.doc.expires > Date.now()) return { kind: 'wait' };

    const taken = { ...existing.doc, owner: randomUUID(), expires: Date.now() + this.ownershipMs };
    const etag = await this.docs.replaceIfUnchanged(taken, existing.etag);
    return etag === undefined ? { kind: 'wait' } : { kind: 'owned', record: { doc: taken, etag } };
  }

  /**
   * As owner: get the update decided on the pinned shard, record the outcome, and answer it.
   * Undefined when ownership was lost meanwhile (the caller then waits for the new owner).
   */
  private async decide(
    record: Versioned<IdempotencyDoc>,
    mark: string,
    bounded: boolean,
  ): Promise<Decided | undefined> {
    let { doc, etag } = record;
    const { pk: counterId, delta } = doc;
    const stopSendingAt = doc.expires - this.ownershipMs + this.options.sendWindowMs;

    for (let round = 0; round < ROUNDS; round++) {
      if (Date.now() > stopSendingAt) {
        // Every patch sent so far was refused: nothing of ours can still land, so let the next
        // request with this key take over at once.
        await this.release(doc, etag);
        throw new OutcomeUnknown('the update took too long; retry with the same Idempotency-Key');
      }

      let applied;
      try {
        applied = await this.docs.patchShard(
          counterId,
          doc.shard,
          [
            { op: 'incr', path: '/amount', value: delta },
            { op: 'set', path: `/marks/${mark}`, value: 'applied' satisfies Mark },
          ],
          `from c where c.status = 'active' and ${rangeCondition(delta, bounded)} and not is_defined(c.marks.${mark})`,
        );
      } catch (error) {
        // Refused by the store as a whole (throttled, unavailable): nothing was applied, so a
        // retry need not wait for this ownership to lapse. A timeout is not such a refusal.
        if (error instanceof StoreThrottled || error instanceof StoreUnavailable) {
          await this.release(doc, etag);
        }
        throw error;
      }
      if (applied !== REFUSED) {
        return this.record(doc, etag, mark, { kind: 'applied', shardId: doc.shard }, false);
      }

      const shard = await this.docs.readShard(counterId, doc.shard);
      const decided = shard?.marks[mark];
      if (decided === 'applied') {
        // Applied by an earlier attempt with this key (ours was refused): a replay.
        return this.record(doc, etag, mark, { kind: 'applied', shardId: doc.shard }, true);
      }

      if (decided === 'moved' || shard === undefined || shard.status !== 'active') {
        if (decided === undefined && !(await this.setMark(counterId, doc.shard, mark, 'moved')))
          continue;
        const next = await this.cache.pickActive(counterId, new Set([doc.shard]));
        if (next === undefined) throw new CounterNotFound(counterId);
        const repinned = { ...doc, shard: next };
        const newEtag = await this.docs.replaceIfUnchanged(repinned, etag);
        if (newEtag === undefined) return undefined;
        [doc, etag] = [repinned, newEtag];
        continue;
      }

      // The pinned shard is active but refused: too few units, or out of range.
      const snapshot = await this.docs.snapshot(counterId);
      const total = aggregateOf(snapshot.shards);
      const short = bounded && delta < 0 && total + delta < 0;
      const outOfRange =
        !inRange(total, delta, bounded) ||
        (delta > 0 && !fitsShard(pinnedOf(snapshot, doc.shard), delta, bounded));
      if (decided === 'refused' || short || outOfRange) {
        if (decided === undefined && !(await this.setMark(counterId, doc.shard, mark, 'refused')))
          continue;
        // A bounded decrement is only ever refused for want of units; anything else for range.
        const outcome: IdempotentOutcome =
          bounded && delta < 0
            ? { kind: 'insufficient', requested: -delta, available: total }
            : { kind: 'out_of_range', total };
        return this.record(doc, etag, mark, outcome, decided === 'refused');
      }

      await finishTransfers(this.docs, this.cache, snapshot);
      const pinned = snapshot.shards.find((s) => s.id === doc.shard);
      if (pinned !== undefined && delta < 0) {
        await gatherInto(this.docs, this.cache, snapshot, pinned, -delta);
      }
    }
    await this.release(doc, etag);
    throw new Contended(100);
  }

  /** Give up ownership early, when no patch of ours can still land; best effort. */
  private async release(doc: IdempotencyDoc, etag: string): Promise<void> {
    await this.docs.replaceIfUnchanged({ ...doc, expires: 0 }, etag).catch(() => undefined);
  }

  /** A marker patch on its own; false if the shard already had one for this key. */
  private async setMark(counterId: string, shardId: string, mark: string, value: Mark) {
    const result = await this.docs.patchShard(
      counterId,
      shardId,
      [{ op: 'set', path: `/marks/${mark}`, value }],
      `from c where not is_defined(c.marks.${mark})`,
    );
    return result !== REFUSED;
  }

  /**
   * Write the outcome to the record, then drop the marker it no longer needs. The outcome is
   * already decided by the marker, so a store failure here does not change the answer: the
   * record stays pending, and the next request with this key finds the marker and finishes it.
   */
  private async record(
    doc: IdempotencyDoc,
    etag: string,
    mark: string,
    outcome: IdempotentOutcome,
    earlier: boolean,
  ): Promise<Decided> {
    try {
      const written = await this.docs.replaceIfUnchanged({ ...doc, outcome }, etag);
      if (written === undefined) return { outcome, earlier };
      await this.docs.patchShard(
        doc.pk,
        doc.shard,
        [{ op: 'remove', path: `/marks/${mark}` }],
        `from c where is_defined(c.marks.${mark})`,
      );
    } catch (error) {
      this.options.log?.info(
        { counterId: doc.pk, record: doc.id, err: error },
        'idempotency record left pending; the next request with its key completes it',
      );
    }
    return { outcome, earlier };
  }
}

/** The answer an outcome stands for: a result, or the error the first request got. */
function answer(counterId: string, delta: number, outcome: IdempotentOutcome): ApplyResult {
  if (outcome.kind === 'insufficient') throw new Insufficient(outcome.requested, outcome.available);
  if (outcome.kind === 'out_of_range') {
    throw new InvalidOperation(
      'amount',
      `amount would take the counter from ${outcome.total} outside the safe integer range`,
    );
  }
  return { counterId, delta, shardId: outcome.shardId };
}

function digest(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function inRange(total: number, delta: number, bounded: boolean): boolean {
  try {
    checkRange(total, delta, bounded);
    return true;
  } catch {
    return false;
  }
}

function pinnedOf(snapshot: Snapshot, shardId: string): ShardDoc {
  const shard = snapshot.shards.find((s) => s.id === shardId);
  if (shard === undefined) throw new Error(`shard ${shardId} missing from its counter`);
  return shard;
}
