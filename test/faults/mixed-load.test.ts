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
 * dropped), and resets 1% of connections (half before, half after forwarding), plus a split or
 * merge every second. Every aggregate read and the final quiet value must pass the history
 * checker.
 */

const RUN_MS = 30_000;
const CLIENTS = 32;
const READ_EVERY_MS = 100;
const MANAGE_EVERY_MS = 1_000;
const FAULTS = { throttle: 0.1, drop: 0.01, dropResponse: 0.01, reset: 0.005, resetAfter: 0.005 };

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
  proxy = await startFaultProxy({ target: emulator.endpoint, retryAfterMs: 20 });
  server = await startTestServer({ COSMOS_ENDPOINT: proxy.url, COSMOS_KEY: 'fault-test-key' });
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
      ['bounded', 200, true],
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

    const client = async (i: number) => {
      const target = targets[i % targets.length] as Target;
      while (performance.now() < deadline) {
        const delta = (Math.random() < 0.5 ? -1 : 1) * (1 + Math.floor(Math.random() * 5));
        const op = await target.history.apply(delta, () => applyDelta(base, target.id, delta));
        if (op.outcome === 'failed') await sleep(20);
      }
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

    const report: Record<string, unknown> = { faults: { ...proxy.counts }, management };
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
