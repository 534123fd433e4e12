import type { Container } from '@azure/cosmos';
import type { Logger } from '../logger.js';

/**
 * Deletes idempotency records past their retention on a store without per-item TTL (the
 * embedded emulator). On Azure the container's TTL does this and no sweeper runs.
 */
export interface KeySweeper {
  stop(): void;
}

const INTERVAL_MS = 30_000;
const MAX_PER_SWEEP = 20_000;

export function startKeySweeper(
  keys: Container,
  retentionSeconds: number,
  log: Logger,
): KeySweeper {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const deleted = await sweepOnce(keys, retentionSeconds);
      if (deleted > 0) log.debug({ deleted }, 'expired idempotency records deleted');
    } catch (error) {
      log.warn({ err: error }, 'idempotency record sweep failed; will retry');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** One pass: answers how many records it deleted. */
export async function sweepOnce(keys: Container, retentionSeconds: number): Promise<number> {
  const cutoff = Math.floor(Date.now() / 1000) - retentionSeconds;
  const { resources } = await keys.items
    .query<{ id: string; pk: string }>({
      query: 'SELECT c.id, c.pk FROM c WHERE c._ts < @cutoff',
      parameters: [{ name: '@cutoff', value: cutoff }],
    })
    .fetchAll();

  let deleted = 0;
  for (const { id, pk } of resources.slice(0, MAX_PER_SWEEP)) {
    await keys
      .item(id, pk)
      .delete()
      .catch(() => undefined);
    deleted++;
  }
  return deleted;
}
