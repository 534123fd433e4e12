import { MAX_WORKERS, UsageError, parseWorkers } from './args.js';
import type { CounterLookup } from './client.js';

export interface Target {
  counter: string;
  workers: number;
  /** The counter's aggregate when it was looked up, before any decrement of this run. */
  startAggregate: number;
}

export interface PromptDeps {
  /** Asks one question; undefined means no terminal to ask in. */
  ask: ((question: string) => Promise<string>) | undefined;
  lookup(counterId: string): Promise<CounterLookup>;
  /** Tells the person at the terminal why an answer was not taken. */
  say(line: string): void;
}

/** Nothing to ask with, and a flag missing or wrong: the caller prints usage and exits 2. */
export class MissingInput extends UsageError {}

/**
 * Completes the counter ID and worker count from the flags, asking in a terminal for what is
 * missing and asking again after an unknown ID or a worker count that is not a positive number.
 */
export async function resolveTarget(
  flags: { counter?: string; workers?: number },
  deps: PromptDeps,
): Promise<Target> {
  if (deps.ask === undefined) {
    const missing: string[] = [];
    if (flags.counter === undefined) missing.push('--counter');
    if (flags.workers === undefined) missing.push('--workers');
    if (missing.length > 0) {
      throw new MissingInput(
        `missing ${missing.join(' and ')} (not a terminal, so nothing to ask)`,
      );
    }
  }

  const { counter, startAggregate } = await resolveCounter(flags.counter, deps);
  const workers = flags.workers ?? (await askWorkers(deps));
  return { counter, workers, startAggregate };
}

async function resolveCounter(
  given: string | undefined,
  deps: PromptDeps,
): Promise<{ counter: string; startAggregate: number }> {
  let candidate = given;
  for (;;) {
    if (candidate !== undefined && candidate !== '') {
      const found = await deps.lookup(candidate);
      if (found.found) return { counter: candidate, startAggregate: found.aggregate };
      if (deps.ask === undefined) throw new MissingInput(`--counter: ${found.message}`);
      deps.say(`No counter with ID "${candidate}" (${found.message}). Try again.`);
    }
    if (deps.ask === undefined) throw new MissingInput('missing --counter');
    candidate = (await deps.ask('Counter ID: ')).trim();
  }
}

async function askWorkers(deps: PromptDeps): Promise<number> {
  const { ask } = deps;
  if (ask === undefined) throw new MissingInput('missing --workers');
  for (;;) {
    const answer = await ask('Number of workers: ');
    try {
      return parseWorkers(answer);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      deps.say(`Please enter a whole number from 1 to ${MAX_WORKERS}.`);
    }
  }
}
