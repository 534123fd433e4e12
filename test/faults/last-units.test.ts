import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import {
  killAll,
  startEmulatorProcess,
  type EmulatorProcess,
} from '../support/emulator-process.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { checkHistory, checkQuiet, History } from '../support/history.js';
import { startTestServer } from '../support/server.js';
import { applyDelta, createCounter, readCounter, sleep } from './api.js';

/**
 * 200 concurrent decrements of 1 against 100 units, with the store throttling, timing out and
 * dropping connections: never more than 100 acknowledged, never read below zero, and the final
 * aggregate plus the acknowledged units is 100 once the unknown outcomes are accounted for.
 */

const UNITS = 100;
const DECREMENTS = 200;
const FAULTS = { throttle: 0.1, drop: 0.01, dropResponse: 0.01, reset: 0.005, resetAfter: 0.005 };

let emulator: EmulatorProcess;
let proxy: FaultProxy;
let server: RunningServer;

beforeAll(async () => {
  emulator = await startEmulatorProcess();
  proxy = await startFaultProxy({ target: emulator.endpoint, retryAfterMs: 20 });
  server = await startTestServer({
    COSMOS_ENDPOINT: proxy.url,
    COSMOS_KEY: 'fault-test-key',
    COSMOS_REQUEST_TIMEOUT_MS: '2000',
  });
});

afterAll(async () => {
  await server?.close();
  await proxy?.close();
  await killAll();
});

describe('the last units under store faults', () => {
  it.each([1, 10])(
    'should hand out at most 100 units to 200 concurrent decrements over %i shards',
    async (shards) => {
      const base = server.url;
      const { id } = await createCounter(base, { initialValue: UNITS, shards, bounded: true });
      const history = new History(UNITS, true);

      proxy.setShares(FAULTS);
      let done = false;
      const reader = async () => {
        for (let i = 0; !done && i < 1_000; i++) {
          await history.read(async () => (await readCounter(base, id))?.aggregate);
          await sleep(25);
        }
      };
      const reading = reader();
      await Promise.all(
        Array.from({ length: DECREMENTS }, () => history.apply(-1, () => applyDelta(base, id, -1))),
      );
      done = true;
      await reading;

      proxy.setShares({});
      expect(await proxy.idle(20_000)).toBe(true);
      const final = await readCounter(base, id);
      expect(final).toBeDefined();
      const value = final?.aggregate ?? NaN;
      history.reads.push({ start: performance.now(), end: performance.now(), value });

      const counts = history.counts();
      console.log(
        `${shards} shard(s): ${JSON.stringify({ ...counts, final: value, faults: proxy.counts })}`,
      );
      expect(counts.ok).toBeLessThanOrEqual(UNITS);
      expect(value + counts.ok).toBeLessThanOrEqual(UNITS);
      expect(value + counts.ok + counts.unknown).toBeGreaterThanOrEqual(UNITS);
      expect(checkQuiet(history, value)).toEqual([]);
      expect(checkHistory(history).violations).toEqual([]);
      expect(final?.shards.filter((s) => s.amount < 0)).toEqual([]);
    },
  );
});
