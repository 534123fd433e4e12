import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import { statusOf } from './status.js';

export class StoreCheckError extends Error {}

/**
 * Bounded counters rely on the store refusing a patch whose filter predicate is false. Check
 * once at start-up, on a scratch document of its own partition, that this store does.
 */
export async function checkConditionalPatch(container: Container): Promise<void> {
  const id = `selfcheck-${randomUUID()}`;
  await container.items.create({ id, pk: id, type: 'selfcheck', amount: 1 });
  const item = container.item(id, id);

  try {
    await item.patch({
      operations: [{ op: 'incr', path: '/amount', value: -2 }],
      condition: 'from c where c.amount >= 2',
    });
  } catch (error) {
    if (statusOf(error) === 412) return;
    throw error;
  } finally {
    await item.delete().catch(() => undefined);
  }

  throw new StoreCheckError(
    'the store applied a patch whose filter predicate was false: it does not enforce ' +
      'conditional patches, so bounded counters could go below zero. Refusing to start.',
  );
}
