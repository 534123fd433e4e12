import type { CounterDocuments, Snapshot } from './documents.js';

/**
 * What writers need to know about a counter, kept briefly in memory so a write costs one patch.
 * Staleness is safe: every write is conditioned on the shard being active, and a refused write
 * refreshes the entry. The time limit only bounds how long writers miss new shards.
 */
export interface WriterView {
  bounded: boolean;
  active: readonly string[];
}

interface Entry extends WriterView {
  fetched: number;
}

const MAX_ENTRIES = 10_000;

export class ShardCache {
  private readonly entries = new Map<string, Entry>();
  /** One read per counter at a time: concurrent misses share it instead of stampeding. */
  private readonly reading = new Map<string, Promise<WriterView>>();

  constructor(
    private readonly docs: CounterDocuments,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(counterId: string): Promise<WriterView> {
    const entry = this.entries.get(counterId);
    if (entry !== undefined && this.now() - entry.fetched < this.ttlMs) return entry;
    return this.load(counterId);
  }

  /** A view read after this call began (joining a read already under way would not be). */
  async refresh(counterId: string): Promise<WriterView> {
    const snapshot = await this.docs.snapshot(counterId);
    return this.remember(snapshot);
  }

  private load(counterId: string): Promise<WriterView> {
    let pending = this.reading.get(counterId);
    if (pending === undefined) {
      pending = this.refresh(counterId).finally(() => this.reading.delete(counterId));
      this.reading.set(counterId, pending);
    }
    return pending;
  }

  /** Record what a fresh snapshot says, so callers that read one anyway keep writers current. */
  remember(snapshot: Snapshot): WriterView {
    const entry: Entry = {
      bounded: snapshot.counter.bounded,
      active: snapshot.shards.filter((s) => s.status === 'active').map((s) => s.id),
      fetched: this.now(),
    };
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(snapshot.counter.id, entry);
    return entry;
  }

  /** A random active shard outside `exclude`, from a fresh read: for credits and drains. */
  async pickActive(counterId: string, exclude: ReadonlySet<string>): Promise<string | undefined> {
    const view = await this.refresh(counterId);
    return shuffled(view.active.filter((id) => !exclude.has(id)))[0];
  }

  forget(counterId: string): void {
    this.entries.delete(counterId);
  }
}

/** Fisher–Yates on a copy: the order in which a writer tries shards. */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
