import { setTimeout as sleep } from 'node:timers/promises';
import type { ThinkTime } from './args.js';
import type { DecrementResult } from './client.js';
import { Stats, type Outcome } from './stats.js';

/** A server that asks for more than this is still retried this soon, so Ctrl-C stays prompt. */
export const MAX_BACKOFF_MS = 5_000;

export interface RunOptions {
  workers: number;
  think: ThinkTime;
}

export interface RunDeps {
  decrement(amount: number): Promise<DecrementResult>;
  /** Called once per finished operation, in completion order. */
  onOutcome(outcome: Outcome): void;
  random?: () => number;
  now?: () => number;
}

export interface RunResult {
  stats: Stats;
  elapsedMs: number;
}

/**
 * Runs `workers` loops until `stop` fires. Each loop decrements by a random 1-3, records the
 * outcome, honours `Retry-After`, then pauses for the think time.
 *
 * A request already sent when `stop` fires is allowed to finish and is counted, so the summary's
 * units match what the server acknowledged; only the pauses are cut short.
 */
export async function runWorkers(
  options: RunOptions,
  deps: RunDeps,
  stop: AbortSignal,
): Promise<RunResult> {
  const random = deps.random ?? Math.random;
  const now = deps.now ?? performance.now.bind(performance);
  const stats = new Stats();
  const started = now();

  async function worker(): Promise<void> {
    while (!stop.aborted) {
      const amount = 1 + Math.floor(random() * 3);
      const sent = now();
      const { outcome, retryAfterMs } = await deps.decrement(amount);
      stats.record(outcome, now() - sent);
      deps.onOutcome(outcome);

      const backoff = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, MAX_BACKOFF_MS);
      await pause(Math.max(backoff, thinkMs(options.think, random)), stop);
    }
  }

  await Promise.all(Array.from({ length: options.workers }, worker));
  return { stats, elapsedMs: now() - started };
}

export function thinkMs(think: ThinkTime, random: () => number): number {
  return think.min + Math.floor(random() * (think.max - think.min + 1));
}

async function pause(ms: number, stop: AbortSignal): Promise<void> {
  if (ms <= 0 || stop.aborted) {
    // Full speed still yields to the event loop, so a stop signal and other workers get a turn.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return;
  }
  try {
    await sleep(ms, undefined, { signal: stop });
  } catch {
    // Aborted: the loop condition ends the worker.
  }
}
