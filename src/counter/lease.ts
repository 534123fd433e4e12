import { randomUUID } from 'node:crypto';
import type { CounterDocuments } from './documents.js';
import { LeaseLost, ManagementBusy } from './errors.js';
import type { Lease } from './model.js';

/**
 * Split and merge on one counter run one at a time, across processes: the caller takes a lease
 * on the counter document with an ETag condition. A lease left by a process that died expires
 * after `ttlMs`, and the next caller takes it over (and then finishes what the dead one left).
 */
export interface HeldLease {
  /** Push the expiry forward; call between long steps. */
  renew(): Promise<void>;
  release(): Promise<void>;
}

export async function acquireLease(
  docs: CounterDocuments,
  counterId: string,
  ttlMs: number,
  now: () => number = Date.now,
): Promise<HeldLease> {
  const owner = randomUUID();
  const busy = (current: Lease | undefined) =>
    new ManagementBusy(counterId, Math.max(0, (current?.expires ?? now()) - now()));
  await write(docs, counterId, busy, (current) => {
    if (current !== undefined && current.owner !== owner && current.expires > now()) {
      throw busy(current);
    }
    return { owner, expires: now() + ttlMs };
  });

  const lost = () => new LeaseLost(counterId);
  return {
    renew: () =>
      write(docs, counterId, lost, (current) => {
        if (current?.owner !== owner) throw lost();
        return { owner, expires: now() + ttlMs };
      }),
    release: async () => {
      try {
        await write(docs, counterId, lost, (current) => {
          if (current?.owner !== owner) throw lost();
          return undefined;
        });
      } catch (error) {
        // Someone took it over after it expired: it is not ours to release any more.
        if (!(error instanceof LeaseLost)) throw error;
      }
    },
  };
}

/** Read the counter, compute the next lease, write it back if nobody changed it meanwhile. */
async function write(
  docs: CounterDocuments,
  counterId: string,
  conflict: (current: Lease | undefined) => Error,
  next: (current: Lease | undefined) => Lease | undefined,
): Promise<void> {
  const snapshot = await docs.snapshot(counterId);

  const { lease: current, ...rest } = snapshot.counter;
  const lease = next(current);
  const updated = lease === undefined ? rest : { ...rest, lease };
  const written = await docs.replaceIfUnchanged(updated, snapshot.etag);
  if (written === undefined) throw conflict(current);
}
