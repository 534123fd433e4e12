/**
 * Group commit: per shard, at most one patch in flight. Updates that arrive meanwhile wait and
 * go out together as one summed `incr`. A lone update on an idle shard goes out at once: there
 * are no timers, so nothing waits unless a patch to the same shard is already on its way.
 *
 * An update is answered only after the patch that carries it succeeded (or failed: then every
 * update in it gets the same error). When the store refuses a summed patch (a bounded shard
 * short of units, or a shard no longer active), the lane reads the shard once and sends, as one
 * more patch, the updates that fit: increments, then decrements in arrival order while units
 * last. The others are told "refused" and try other shards, as each would have alone.
 */

/** Writes `delta` to a shard; true if applied, false if the shard's condition refused it. */
export type ShardWrite = (target: ShardTarget, delta: number) => Promise<boolean>;

/** How many units a shard holds, or undefined once it no longer takes writes. */
export type ShardRead = (target: ShardTarget) => Promise<number | undefined>;

export interface ShardTarget {
  counterId: string;
  shardId: string;
  bounded: boolean;
}

export interface BatchStats {
  patches: number;
  updates: number;
  maxBatch: number;
}

interface Waiter {
  delta: number;
  settle(applied: boolean): void;
  fail(error: unknown): void;
}

interface Lane extends ShardTarget {
  queue: Waiter[];
  busy: boolean;
}

export class GroupCommit {
  private readonly lanes = new Map<string, Lane>();
  /** The lanes of each counter with a patch in flight; at most `maxBusyShards` each. */
  private readonly busyByCounter = new Map<string, Set<Lane>>();
  private readonly totals: BatchStats = { patches: 0, updates: 0, maxBatch: 0 };

  /**
   * @param write the conditional patch, as the writer would issue it alone
   * @param maxBusyShards how many shards of one counter this process patches at once; more
   *   concurrent updates join the queues of busy shards, which is where batching comes from
   */
  constructor(
    private readonly write: ShardWrite,
    private readonly read: ShardRead,
    private readonly maxBusyShards: number,
  ) {}

  get stats(): Readonly<BatchStats> {
    return this.totals;
  }

  /**
   * Which of `candidates` (shard ids in the writer's random order) an update should join, never
   * one in `refused` (shards that already turned this update down): the first idle one while
   * the counter has room for another patch in flight, otherwise the busy shard with the
   * shortest queue. Busy shards that refused the update do not count against the room, so an
   * update turned away by a shard running dry is batched on the next one instead of going alone.
   */
  choose(
    counterId: string,
    candidates: readonly string[],
    refused: ReadonlySet<string> = NO_SHARDS,
  ): string | undefined {
    let shortest: Lane | undefined;
    let usable = 0;
    for (const lane of this.busyByCounter.get(counterId) ?? NO_LANES) {
      if (refused.has(lane.shardId)) continue;
      usable += 1;
      if (shortest === undefined || lane.queue.length < shortest.queue.length) shortest = lane;
    }
    if (shortest !== undefined && usable >= this.maxBusyShards) return shortest.shardId;

    const open = (shardId: string) => !refused.has(shardId);
    const idle = candidates.find(
      (shardId) => open(shardId) && !this.lanes.get(laneKey(counterId, shardId))?.busy,
    );
    return idle ?? candidates.find(open);
  }

  /** Resolves true once a patch carrying `delta` succeeded, false if the shard refused it. */
  submit(target: ShardTarget, delta: number): Promise<boolean> {
    const lane = this.lane(target);
    const done = new Promise<boolean>((settle, fail) => lane.queue.push({ delta, settle, fail }));
    if (!lane.busy) void this.drain(lane);
    return done;
  }

  private lane(target: ShardTarget): Lane {
    const key = laneKey(target.counterId, target.shardId);
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      lane = { ...target, queue: [], busy: false };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /** Send batches until the queue is empty, then free the lane. */
  private async drain(lane: Lane): Promise<void> {
    lane.busy = true;
    let busy = this.busyByCounter.get(lane.counterId);
    if (busy === undefined) this.busyByCounter.set(lane.counterId, (busy = new Set()));
    busy.add(lane);
    try {
      while (lane.queue.length > 0) {
        const batch = lane.queue.splice(0);
        if ((await this.send(lane, batch)) === 'refused') await this.fit(lane, batch);
      }
    } finally {
      lane.busy = false;
      busy.delete(lane);
      if (busy.size === 0) this.busyByCounter.delete(lane.counterId);
      this.lanes.delete(laneKey(lane.counterId, lane.shardId));
    }
  }

  /**
   * One patch for the whole batch. Applied: everyone succeeded. Failed: everyone gets the
   * error. Refused: nobody is answered yet; the caller decides.
   */
  private async send(lane: Lane, batch: Waiter[]): Promise<'applied' | 'refused' | 'failed'> {
    const net = batch.reduce((sum, w) => sum + w.delta, 0);
    try {
      if (net !== 0 && !(await this.write(lane, net))) return 'refused';
    } catch (error) {
      for (const waiter of batch) waiter.fail(error);
      return 'failed';
    }
    this.count(batch.length, net === 0 ? 0 : 1);
    for (const waiter of batch) waiter.settle(true);
    return 'applied';
  }

  /** After a refusal: send what the shard can take, refuse the rest (see the file comment). */
  private async fit(lane: Lane, batch: Waiter[]): Promise<void> {
    const refuse = (waiters: Waiter[]) => waiters.forEach((w) => w.settle(false));
    if (batch.length === 1) return refuse(batch);

    let amount: number | undefined;
    try {
      amount = await this.read(lane);
    } catch (error) {
      for (const waiter of batch) waiter.fail(error);
      return;
    }
    if (amount === undefined) return refuse(batch);

    const increments = batch.filter((w) => w.delta >= 0);
    let level = amount + increments.reduce((sum, w) => sum + w.delta, 0);
    const fits = [...increments];
    const rest: Waiter[] = [];
    for (const waiter of batch.filter((w) => w.delta < 0)) {
      if (!lane.bounded || level + waiter.delta >= 0) {
        fits.push(waiter);
        level += waiter.delta;
      } else {
        rest.push(waiter);
      }
    }
    refuse(rest);
    if (fits.length > 0 && (await this.send(lane, fits)) === 'refused') refuse(fits);
  }

  private count(updates: number, patches: number): void {
    this.totals.updates += updates;
    this.totals.patches += patches;
    this.totals.maxBatch = Math.max(this.totals.maxBatch, updates);
  }
}

const NO_SHARDS: ReadonlySet<string> = new Set();
const NO_LANES: ReadonlySet<Lane> = new Set();

function laneKey(counterId: string, shardId: string): string {
  return `${counterId}/${shardId}`;
}
