import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  killAll,
  startEmulatorProcess,
  startServerProcess,
  type EmulatorProcess,
  type ServerProcess,
} from '../support/emulator-process.js';
import {
  startFaultProxy,
  type FaultProxy,
  type HookDecision,
  type RequestInfo,
} from '../support/fault-proxy.js';
import { call, createCounter, readCounter, show, waitReady, type Answer } from './api.js';

/**
 * Idempotency-Key on increment and decrement: the same key applies once, whether it is sent
 * 20 times at once, to two server processes sharing one store, again after a timeout, or again
 * after the server that first took it was killed. The emulator runs in a process of its own,
 * so the store outlives the servers.
 */

/** Short store timeouts keep the wait for an in-doubt key's ownership to lapse short. */
const SERVER_ENV = { COSMOS_REQUEST_TIMEOUT_MS: '2000', LEASE_TTL_MS: '1000' };
/** Ownership of a key = send window (10 s) + request lifetime (2 s + 5 s) + 5 s, plus slack. */
const RETRY_WAIT_MS = 60_000;

let emulator: EmulatorProcess;
let proxy: FaultProxy;
let hook: ((info: RequestInfo) => HookDecision | undefined) | undefined;
let a: ServerProcess;
let b: ServerProcess;
let supported = false;

beforeAll(async () => {
  emulator = await startEmulatorProcess();
  proxy = await startFaultProxy({ target: emulator.endpoint, onRequest: (info) => hook?.(info) });
  [a, b] = await Promise.all([startServer(), startServer()]);
  supported = await probe(a.url);
}, 90_000);

afterAll(async () => {
  await proxy?.close();
  await killAll();
});

async function startServer(): Promise<ServerProcess> {
  const server = await startServerProcess(proxy.url, SERVER_ENV);
  await waitReady(server.url);
  return server;
}

/** Whether the server replays a repeated key (the feature may not be there yet). */
async function probe(base: string): Promise<boolean> {
  const { id } = await createCounter(base, { initialValue: 0, shards: 1 });
  const key = `probe-${randomUUID()}`;
  await increment(base, id, 1, key);
  const again = await increment(base, id, 1, key);
  return again.status === 200 && again.headers.get('idempotent-replayed') === 'true';
}

function increment(base: string, id: string, amount: number, key: string, timeoutMs = 30_000) {
  return call(`${base}/api/counters/${id}/increment`, {
    body: { amount },
    headers: { 'Idempotency-Key': key },
    timeoutMs,
  });
}

function decrement(base: string, id: string, amount: number, key: string) {
  return call(`${base}/api/counters/${id}/decrement`, {
    body: { amount },
    headers: { 'Idempotency-Key': key },
  });
}

async function aggregate(base: string, id: string): Promise<number | undefined> {
  return (await readCounter(base, id))?.aggregate;
}

const replayed = (answer: Answer) => answer.headers.get('idempotent-replayed') === 'true';

/** The patch that applies a keyed update: an `incr` together with the key's marker. */
function isKeyedApply(body: string): boolean {
  return body.includes('"incr"') && body.includes('/marks/');
}

describe('Idempotency-Key', () => {
  it('should apply once when the same key is sent 20 times at once', async ({ skip }) => {
    skip(!supported, 'the server does not replay Idempotency-Key yet');
    const { id } = await createCounter(a.url, { initialValue: 100, shards: 4 });
    const key = randomUUID();

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => increment(a.url, id, 7, key)),
    );

    expect(answers.map((x) => x.status)).toEqual(Array(20).fill(200));
    expect(answers.filter((x) => !replayed(x))).toHaveLength(1);
    const shards = new Set(answers.map((x) => (x.body as { shardId?: string }).shardId));
    expect(shards.size).toBe(1);
    expect(await aggregate(a.url, id)).toBe(107);
  });

  it('should refuse the same key with a different body (422) and apply nothing', async ({
    skip,
  }) => {
    skip(!supported, 'the server does not replay Idempotency-Key yet');
    const { id } = await createCounter(a.url, { initialValue: 100, shards: 2 });
    const key = randomUUID();
    expect((await increment(a.url, id, 5, key)).status).toBe(200);

    const otherAmount = await increment(a.url, id, 6, key);
    const otherDirection = await decrement(a.url, id, 5, key);

    for (const answer of [otherAmount, otherDirection]) {
      expect(answer.status, show(answer)).toBe(422);
      expect(answer.code).toBe('idempotency_mismatch');
    }
    expect(await aggregate(a.url, id)).toBe(105);
  });

  it('should replay a refused decrement instead of trying it again', async ({ skip }) => {
    skip(!supported, 'the server does not replay Idempotency-Key yet');
    const { id } = await createCounter(a.url, { initialValue: 3, shards: 2 });
    const key = randomUUID();

    const first = await decrement(a.url, id, 5, key);
    await increment(a.url, id, 10, randomUUID());
    const again = await decrement(a.url, id, 5, key);

    expect(first.code).toBe('insufficient');
    expect(again.status, show(again)).toBe(409);
    expect(again.code).toBe('insufficient');
    expect(await aggregate(a.url, id)).toBe(13);
  });

  it('should apply once when two server processes get the same key at once', async ({ skip }) => {
    skip(!supported, 'the server does not replay Idempotency-Key yet');
    const { id } = await createCounter(a.url, { initialValue: 0, shards: 4 });
    const key = randomUUID();

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => increment(i % 2 === 0 ? a.url : b.url, id, 3, key)),
    );

    expect(answers.map((x) => x.status)).toEqual(Array(20).fill(200));
    expect(answers.filter((x) => !replayed(x))).toHaveLength(1);
    expect(await aggregate(b.url, id)).toBe(3);
  });

  it('should apply once when retried after a timeout, a lost answer, or a killed server', async ({
    skip,
  }) => {
    skip(!supported, 'the server does not replay Idempotency-Key yet');
    const victim = await startServer();
    const cases = {
      /** The applying patch never reaches the store: the server times out. */
      lost: await createCounter(a.url, { initialValue: 50, shards: 2 }),
      /** The patch is applied but its answer never comes back: the server times out. */
      unanswered: await createCounter(a.url, { initialValue: 50, shards: 2 }),
      /** The patch is applied, then the server is killed before it can answer. */
      killed: await createCounter(a.url, { initialValue: 50, shards: 2 }),
    };
    // A key that completed on the victim before it died must replay after the restart.
    const settled = randomUUID();
    expect((await increment(victim.url, cases.killed.id, 1, settled)).status).toBe(200);

    const done = new Set<string>();
    hook = (info) => {
      const which = Object.entries(cases).find(([, c]) => c.id === info.partitionKey)?.[0];
      if (which === undefined || done.has(which) || !isKeyedApply(info.body)) return undefined;
      done.add(which);
      if (which === 'lost') return { fault: 'drop' };
      if (which === 'unanswered') return { fault: 'dropResponse' };
      return {
        fault: 'dropResponse',
        afterForward: () => {
          process.kill(victim.child.pid, 'SIGKILL');
        },
      };
    };

    const key = { lost: randomUUID(), unanswered: randomUUID(), killed: randomUUID() };

    const firsts = await Promise.all([
      increment(a.url, cases.lost.id, 5, key.lost),
      increment(a.url, cases.unanswered.id, 5, key.unanswered),
      increment(victim.url, cases.killed.id, 5, key.killed),
    ]);
    hook = undefined;
    expect(firsts.map((x) => x.code)).toEqual([
      'outcome_unknown',
      'outcome_unknown',
      expect.stringMatching(/fetch failed/),
    ]);
    await victim.child.kill();
    const restarted = await startServer();

    const retries = await Promise.all([
      increment(b.url, cases.lost.id, 5, key.lost, RETRY_WAIT_MS),
      increment(b.url, cases.unanswered.id, 5, key.unanswered, RETRY_WAIT_MS),
      increment(restarted.url, cases.killed.id, 5, key.killed, RETRY_WAIT_MS),
      increment(restarted.url, cases.killed.id, 1, settled),
    ]);
    const again = await Promise.all([
      increment(a.url, cases.lost.id, 5, key.lost),
      increment(a.url, cases.unanswered.id, 5, key.unanswered),
      increment(restarted.url, cases.killed.id, 5, key.killed),
    ]);
    console.log(
      'in-doubt retries:',
      retries.map((x) => `${x.status} replayed=${replayed(x)}`).join(', '),
    );

    expect(retries.map((x) => x.status)).toEqual([200, 200, 200, 200]);
    expect(replayed(retries[3] as Answer)).toBe(true);
    expect(again.map((x) => [x.status, replayed(x)])).toEqual(Array(3).fill([200, true]));
    expect(await aggregate(b.url, cases.lost.id)).toBe(55);
    expect(await aggregate(b.url, cases.unanswered.id)).toBe(55);
    expect(await aggregate(b.url, cases.killed.id)).toBe(56);
    await restarted.child.kill();
  }, 120_000);
});
