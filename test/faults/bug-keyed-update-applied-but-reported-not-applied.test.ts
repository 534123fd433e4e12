import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import type { RequestInfo } from '../support/fault-proxy.js';
import { call, createCounter, readCounter, show } from './api.js';
import { startFaultStack, type FaultStack } from './stack.js';

/**
 * Regression test for a product bug found by the fault tests (fixed in 26c3b7e).
 *
 * An increment with an Idempotency-Key is applied by one patch (the `incr` plus the key's
 * marker), and only then is the outcome written to the key's record. When the store throttled
 * (429) or was unavailable (503) for that record write, the service answered 429 `throttled` or
 * 503 `store_unavailable`, which the API documents as "the store is away": a client that took
 * them at their word counted the update as not applied, although the counter already held it.
 * After the patch that applied the update, only 200 (or `outcome_unknown`) is a true answer.
 */

let stack: FaultStack;
let server: RunningServer;

beforeAll(async () => {
  stack = await startFaultStack({}, { retryAfterMs: 10 });
  ({ server } = stack);
});

afterAll(async () => {
  await stack?.close();
});

/** The write that stores a key's outcome: a replace of its record carrying `outcome`. */
function isOutcomeWrite(info: RequestInfo): boolean {
  return (
    info.method === 'PUT' && info.path.includes('/docs/idem-') && info.body.includes('outcome')
  );
}

describe('bug: a keyed update that was applied is reported as not applied', () => {
  it.each([
    ['503 store_unavailable', 'unavailable', 1],
    ['429 throttled', 'throttle', 10],
  ] as const)('should not answer %s after the update landed', async (_name, fault, times) => {
    const { id } = await createCounter(server.url, { initialValue: 10, shards: 1 });
    let left: number = times;
    stack.hook = (info) => (isOutcomeWrite(info) && left-- > 0 ? { fault } : undefined);

    const answer = await call(`${server.url}/api/counters/${id}/increment`, {
      body: { amount: 5 },
      headers: { 'Idempotency-Key': randomUUID() },
    });
    stack.hook = undefined;
    const after = (await readCounter(server.url, id))?.aggregate;

    expect(after, 'the update landed').toBe(15);
    expect(
      answer.status === 200 || answer.code === 'outcome_unknown',
      `answered ${show(answer)} although the counter holds the update`,
    ).toBe(true);
  });
});
