import { describe, expect, it } from 'vitest';
import type { DecrementResult } from './client.js';
import { runWorkers, thinkMs } from './run.js';
import type { Outcome } from './stats.js';

describe('runWorkers', () => {
  it('should decrement by 1-3 from every worker until stopped, and count each outcome', async () => {
    const stop = new AbortController();
    const seen: Outcome[] = [];
    const inFlight = new Set<number>();
    let calls = 0;
    let maxInFlight = 0;

    const decrement = async (amount: number): Promise<DecrementResult> => {
      const call = calls++;
      inFlight.add(call);
      maxInFlight = Math.max(maxInFlight, inFlight.size);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight.delete(call);
      if (calls >= 60) stop.abort();
      return {
        outcome: call % 3 === 0 ? { kind: 'insufficient', amount } : { kind: 'success', amount },
      };
    };

    const { stats } = await runWorkers(
      { workers: 4, think: { min: 0, max: 0 } },
      { decrement, onOutcome: (outcome) => seen.push(outcome) },
      stop.signal,
    );
    const snapshot = stats.snapshot();

    expect(maxInFlight).toBe(4);
    // Requests already sent when the stop came still finish and are counted.
    expect(snapshot.attempts).toBe(calls);
    expect(seen).toHaveLength(calls);
    expect(seen.every((o) => o.amount >= 1 && o.amount <= 3)).toBe(true);
    expect(snapshot.successes + snapshot.insufficient).toBe(calls);
    const units = seen.filter((o) => o.kind === 'success').reduce((sum, o) => sum + o.amount, 0);
    expect(snapshot.unitsDecremented).toBe(units);
  });

  it('should cut a long think time short when stopped', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    const started = Date.now();

    const { stats } = await runWorkers(
      { workers: 2, think: { min: 60_000, max: 60_000 } },
      {
        decrement: (amount) => Promise.resolve({ outcome: { kind: 'success', amount } }),
        onOutcome: () => undefined,
      },
      stop.signal,
    );

    expect(Date.now() - started).toBeLessThan(5_000);
    expect(stats.snapshot().attempts).toBe(2);
  });

  it('should honour Retry-After before the next attempt', async () => {
    const stop = new AbortController();
    const times: number[] = [];
    const decrement = (amount: number): Promise<DecrementResult> => {
      times.push(Date.now());
      if (times.length === 2) stop.abort();
      return Promise.resolve({
        outcome: { kind: 'error', amount, reason: '503' },
        retryAfterMs: 100,
      });
    };

    await runWorkers(
      { workers: 1, think: { min: 0, max: 0 } },
      { decrement, onOutcome: () => undefined },
      stop.signal,
    );

    expect(times).toHaveLength(2);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(90);
  });
});

describe('thinkMs', () => {
  it('should draw from the whole range, both ends included', () => {
    expect(thinkMs({ min: 250, max: 500 }, () => 0)).toBe(250);
    expect(thinkMs({ min: 250, max: 500 }, () => 0.999999)).toBe(500);
    expect(thinkMs({ min: 0, max: 0 }, () => 0.5)).toBe(0);
  });
});
