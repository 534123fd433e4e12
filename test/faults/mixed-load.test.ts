import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import {
  startEmulatorProcess,
  killAll,
  type EmulatorProcess,
} from '../support/emulator-process.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { checkHistory, checkQuiet, History } from '../support/history.js';
import { startTestServer } from '../support/server.js';
import { applyDelta, createCounter, manage, readCounter, sleep } from './api.js';

/**
 * 30 s of mixed increments and decrements from 32 clients, with the store behind a proxy that
 * throttles 10% of requests, times out 2% (half never forwarded, half forwarded and the answer
 * dropped), resets 1% of connections (half before, half after forwarding) and delays 5% by up to
 * 300 ms, plus a split or merge every second. Every aggregate read and the final quiet value must pass the history
 * checker.
 *
 * Eight of the clients send an Idempotency-Key and retry an update with the same key until it
 * gets a definite answer, as a careful client would: each such update must count once.
 */

const RUN_MS = 30_000;
const CLIENTS = 32;
const KEYED_CLIENTS = 8;
/**
 * A retry of an in-doubt key waits until the first attempt's ownership lapses (≈ 22 s with a 2 s
 * store timeout), so keyed clients start their last update a little before the run ends, and
 * keep retrying it for a while after.
 */
const KEYED_EARLY_STOP_MS = 10_000;
const KEYED_GRACE_MS = 30_000;
/** Longer than the server waits for a key's earlier owner (twice the ownership), so we never
 * abandon a request the server is still working on. */
const KEYED_TIMEOUT_MS = 60_000;
const SERVER_ENV = { COSMOS_REQUEST_TIMEOUT_MS: '2000', LEASE_TTL_MS: '5000' };
const READ_EVERY_MS = 100;
const MANAGE_EVERY_MS = 1_000;
const FAULTS = {
  throttle: 0.1,
  drop: 0.01,
  dropResponse: 0.01,
  reset: 0.005,
  resetAfter: 0.005,
  delay: 0.05,
};

interface Target {
  name: string;
  id: string;
  history: History;
  activeShards: number;
}

let emulator: EmulatorProcess;
let proxy: FaultProxy;
let server: RunningServer;

beforeAll(async () => {
  emulator = await startEmulatorProcess();
  proxy = await startFaultProxy({
    target: emulator.endpoint,
    retryAfterMs: 20,
    latencyMs: [20, 300],
  });
  server = await startTestServer({
    COSMOS_ENDPOINT: proxy.url,
    COSMOS_KEY: 'fault-test-key',
    ...SERVER_ENV,
  });
});

afterAll(async () => {
  await server?.close();
  await proxy?.close();
  await killAll();
});

describe('mixed load under store faults', () => {
  it('should keep every read and the quiet total within the history bounds', async () => {
    const base = server.url;
    const targets: Target[] = [];
    for (const [name, initialValue, bounded] of [
      ['bounded', 20, true],
      ['unbounded', 0, false],
    ] as const) {
      const created = await createCounter(base, { initialValue, shards: 4, bounded });
      targets.push({
        name,
        id: created.id,
        history: new History(initialValue, bounded),
        activeShards: created.activeShards,
      });
    }
    const management: Record<string, number> = {};

    proxy.setShares(FAULTS);
    const deadline = performance.now() + RUN_MS;

    const keyed = { ops: 0, retried: 0, attempts: 0, gaveUp: 0 };
    const client = async (i: number) => {
      const target = targets[i % targets.length] as Target;
      const withKey = i < KEYED_CLIENTS;
      const stopAt = withKey ? deadline - KEYED_EARLY_STOP_MS : deadline;
      while (performance.now() < stopAt) {
        // The bounded counter leans towards decrements, so it spends time near zero.
        const down = target.history.bounded ? 0.6 : 0.5;
        const delta = (Math.random() < down ? -1 : 1) * (1 + Math.floor(Math.random() * 5));
        const op = await target.history.apply(delta, () =>
          withKey ? applyWithRetries(base, target.id, delta) : applyDelta(base, target.id, delta),
        );
        if (op.outcome === 'failed') await sleep(20);
      }
    };

    /** Same key until a definite answer (ok or refused), or until the grace period ends. */
    const applyWithRetries = async (base: string, id: string, delta: number) => {
      const headers = { 'Idempotency-Key': randomUUID() };
      keyed.ops++;
      let last = await applyDelta(base, id, delta, headers, KEYED_TIMEOUT_MS);
      for (let attempt = 1; attempt < 50; attempt++) {
        keyed.attempts++;
        if (last.outcome === 'ok' || last.outcome === 'refused') break;
        if (attempt === 1) keyed.retried++;
        if (performance.now() > deadline + KEYED_GRACE_MS) break;
        await sleep(100);
        last = await applyDelta(base, id, delta, headers, KEYED_TIMEOUT_MS);
      }
      if (last.outcome === 'ok' || last.outcome === 'refused') return last;
      keyed.gaveUp++;
      return { outcome: 'unknown' as const, detail: `gave up after ${last.detail}` };
    };

    const reader = async (target: Target) => {
      while (performance.now() < deadline) {
        await target.history.read(async () => (await readCounter(base, target.id))?.aggregate);
        await sleep(READ_EVERY_MS);
      }
    };

    const managed: Promise<void>[] = [];
    const manager = async () => {
      for (let tick = 0; performance.now() + MANAGE_EVERY_MS < deadline && tick < 1_000; tick++) {
        await sleep(MANAGE_EVERY_MS);
        const target = targets[tick % targets.length] as Target;
        const action =
          target.activeShards <= 2 ? 'split' : target.activeShards >= 8 ? 'merge' : pick();
        managed.push(
          manage(base, target.id, action).then((answer) => {
            const key = `${action} ${answer.status} ${answer.code ?? ''}`.trim();
            management[key] = (management[key] ?? 0) + 1;
            const view = answer.body as { activeShards?: number } | undefined;
            if (answer.status === 200 && typeof view?.activeShards === 'number') {
              target.activeShards = view.activeShards;
            }
          }),
        );
      }
    };

    await Promise.all([
      ...Array.from({ length: CLIENTS }, (_, i) => client(i)),
      ...targets.map(reader),
      manager(),
    ]);
    await Promise.all(managed);

    // Quiet period: no faults, nothing in flight to the store, then one last read each.
    proxy.setShares({});
    expect(await proxy.idle(20_000)).toBe(true);

    const report: Record<string, unknown> = { faults: { ...proxy.counts }, management, keyed };
    for (const target of targets) {
      const final = await readCounter(base, target.id);
      expect(final, `final read of the ${target.name} counter`).toBeDefined();
      if (final === undefined) return;
      target.history.reads.push({
        start: performance.now(),
        end: performance.now(),
        value: final.aggregate,
      });

      const checked = checkHistory(target.history);
      const quiet = checkQuiet(target.history, final.aggregate);
      report[target.name] = {
        ...target.history.counts(),
        readsChecked: checked.readsChecked,
        refusalsChecked: checked.refusalsChecked,
        final: final.aggregate,
        activeShards: final.activeShards,
        shards: final.shards.length,
      };

      expect(checked.violations, `${target.name}: reads`).toEqual([]);
      expect(quiet, `${target.name}: quiet total`).toEqual([]);
      if (target.history.bounded) {
        expect(final.shards.filter((s) => s.amount < 0)).toEqual([]);
      }
      expect(target.history.counts().ok).toBeGreaterThan(100);
    }
    console.log(`fault run: ${JSON.stringify(report, null, 2)}`);
  });
});

function pick(): 'split' | 'merge' {
  return Math.random() < 0.5 ? 'split' : 'merge';
}
