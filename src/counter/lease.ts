import { randomUUID } from 'node:crypto';
import type { CounterDocuments } from './documents.js';
import { CounterNotFound, ManagementBusy } from './errors.js';
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
  await write(docs, counterId, now, (current) => {
    if (current !== undefined && current.owner !== owner && current.expires > now()) {
      throw new ManagementBusy(counterId, current.expires - now());
    }
    return { owner, expires: now() + ttlMs };
  });

  const mine = (current: Lease | undefined): void => {
    if (current?.owner !== owner) throw new ManagementBusy(counterId, ttlMs);
  };
  return {
    renew: () =>
      write(docs, counterId, now, (current) => {
        mine(current);
        return { owner, expires: now() + ttlMs };
      }),
    release: () =>
      write(docs, counterId, now, (current) => {
        mine(current);
        return undefined;
      }),
  };
}

/** Read the counter, compute the next lease, write it back if nobody changed it meanwhile. */
async function write(
  docs: CounterDocuments,
  counterId: string,
  now: () => number,
  next: (current: Lease | undefined) => Lease | undefined,
): Promise<void> {
  const snapshot = await docs.snapshot(counterId);
  if (snapshot === undefined) throw new CounterNotFound(counterId);

  const { lease: current, ...rest } = snapshot.counter;
  const lease = next(current);
  const updated = lease === undefined ? rest : { ...rest, lease };
  const written = await docs.replaceIfUnchanged(updated, snapshot.etag);
  if (written === undefined) {
    throw new ManagementBusy(counterId, Math.max(0, (current?.expires ?? now()) - now()));
  }
}
