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

beforeAll(async () => {
  emulator = await startEmulatorProcess();
  proxy = await startFaultProxy({ target: emulator.endpoint, onRequest: (info) => hook?.(info) });
  [a, b] = await Promise.all([startServer(), startServer()]);
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
function isKeyedApply(info: RequestInfo): boolean {
  return info.method === 'PATCH' && info.body.includes('"incr"') && info.body.includes('/marks/');
}

/** The first write of a keyed update: its record, created with an owner. */
function isRecordCreate(info: RequestInfo): boolean {
  return (
    info.method === 'POST' &&
    info.headers['x-ms-documentdb-isquery'] === undefined &&
    info.body.includes('"idem"')
  );
}

/** The write that stores a key's outcome in its record. */
function isOutcomeWrite(info: RequestInfo): boolean {
  return (
    info.method === 'PUT' && info.path.includes('/docs/idem-') && info.body.includes('outcome')
  );
}

/** Ways the first attempt of a keyed update can end without a definite answer. */
const IN_DOUBT: {
  name: string;
  step: (info: RequestInfo) => boolean;
  action: 'drop' | 'dropResponse' | 'kill';
}[] = [
  { name: 'apply patch lost (server times out)', step: isKeyedApply, action: 'drop' },
  {
    name: 'apply patch landed, answer lost (server times out)',
    step: isKeyedApply,
    action: 'dropResponse',
  },
  { name: 'killed after the key record was created', step: isRecordCreate, action: 'kill' },
  { name: 'killed after the apply patch landed', step: isKeyedApply, action: 'kill' },
  { name: 'killed after the outcome was recorded', step: isOutcomeWrite, action: 'kill' },
];

describe('Idempotency-Key', () => {
  it('should apply once when the same key is sent 20 times at once', async () => {
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

  it('should refuse the same key with a different body (422) and apply nothing', async () => {
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

  it('should replay a refused decrement instead of trying it again', async () => {
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

  it('should apply once when two server processes get the same key at once', async () => {
    const { id } = await createCounter(a.url, { initialValue: 0, shards: 4 });
    const key = randomUUID();

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => increment(i % 2 === 0 ? a.url : b.url, id, 3, key)),
    );

    expect(answers.map((x) => x.status)).toEqual(Array(20).fill(200));
    expect(answers.filter((x) => !replayed(x))).toHaveLength(1);
    expect(await aggregate(b.url, id)).toBe(3);
  });

  it('should apply once when retried after a timeout, a lost answer, or a killed server', async () => {
    const victims = await Promise.all(
      IN_DOUBT.filter((c) => c.action === 'kill').map(() => startServer()),
    );
    const cases = await Promise.all(
      IN_DOUBT.map(async (c) => {
        const victim = c.action === 'kill' ? victims.shift() : undefined;
        const first = victim ?? a;
        const { id } = await createCounter(first.url, { initialValue: 50, shards: 2 });
        return { ...c, id, key: randomUUID(), victim, first };
      }),
    );
    // A key that completed on a victim before it died must replay after the restart.
    const killed = cases.find((c) => c.victim !== undefined) ?? cases[0];
    if (killed === undefined) throw new Error('no in-doubt cases');
    const settled = { id: killed.id, key: randomUUID() };
    expect((await increment(killed.first.url, settled.id, 1, settled.key)).status).toBe(200);

    const hit = new Set<string>();
    hook = (info) => {
      const c = cases.find((x) => x.id === info.partitionKey);
      if (c === undefined || hit.has(c.name) || !c.step(info)) return undefined;
      hit.add(c.name);
      if (c.action !== 'kill') return { fault: c.action };
      const pid = c.victim?.child.pid;
      return {
        fault: 'dropResponse',
        afterForward: () => {
          if (pid !== undefined) process.kill(pid, 'SIGKILL');
        },
      };
    };
    const firsts = await Promise.all(cases.map((c) => increment(c.first.url, c.id, 5, c.key)));
    hook = undefined;
    expect([...hit].sort()).toEqual(cases.map((c) => c.name).sort());
    await Promise.all(cases.map((c) => c.victim?.child.kill()));
    const restarted = await startServer();

    // Retry each key on another process: the killed ones on a server started after the crash.
    const retryOn = (c: (typeof cases)[number]) => (c.victim === undefined ? b : restarted);
    const retries = await Promise.all(
      cases.map((c) => increment(retryOn(c).url, c.id, 5, c.key, RETRY_WAIT_MS)),
    );
    const again = await Promise.all(cases.map((c) => increment(a.url, c.id, 5, c.key)));
    const settledAgain = await increment(restarted.url, settled.id, 1, settled.key);
    const totals = await Promise.all(cases.map((c) => aggregate(b.url, c.id)));
    console.log(
      cases
        .map(
          (c, i) =>
            `${c.name}: first ${firsts[i]?.status} ${firsts[i]?.code ?? ''}, retry ` +
            `${retries[i]?.status} replayed=${replayed(retries[i] as Answer)}, total ${totals[i]}`,
        )
        .join('\n'),
    );

    for (const [i, c] of cases.entries()) {
      expect.soft(retries[i]?.status, `${c.name}: retry ${show(retries[i] as Answer)}`).toBe(200);
      expect.soft([again[i]?.status, replayed(again[i] as Answer)], c.name).toEqual([200, true]);
      const expected = c.id === settled.id ? 56 : 55;
      expect.soft(totals[i], `${c.name}: applied once`).toBe(expected);
    }
    expect([settledAgain.status, replayed(settledAgain)]).toEqual([200, true]);
    await restarted.child.kill();
  }, 150_000);
});
