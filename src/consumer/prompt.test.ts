import { describe, expect, it } from 'vitest';
import type { CounterLookup } from './client.js';
import { MissingInput, resolveTarget, type PromptDeps } from './prompt.js';

const KNOWN = '6f1c2c1e-0000-4000-8000-000000000001';

function lookup(id: string): Promise<CounterLookup> {
  return Promise.resolve(
    id === KNOWN
      ? { found: true, aggregate: 1000 }
      : { found: false, message: 'counter does not exist' },
  );
}

/** A terminal that gives the scripted answers in order and records what it was told. */
function terminal(answers: string[]): PromptDeps & { asked: string[]; said: string[] } {
  const asked: string[] = [];
  const said: string[] = [];
  return {
    asked,
    said,
    lookup,
    say: (line) => said.push(line),
    ask: (question) => {
      asked.push(question);
      const answer = answers.shift();
      return answer === undefined
        ? Promise.reject(new Error('no more answers'))
        : Promise.resolve(answer);
    },
  };
}

describe('resolveTarget', () => {
  it('should take both flags without asking', async () => {
    const deps = terminal([]);
    await expect(resolveTarget({ counter: KNOWN, workers: 4 }, deps)).resolves.toEqual({
      counter: KNOWN,
      workers: 4,
      startAggregate: 1000,
    });
    expect(deps.asked).toEqual([]);
  });

  it('should ask for what is missing in a terminal', async () => {
    const deps = terminal([KNOWN, '8']);
    await expect(resolveTarget({}, deps)).resolves.toMatchObject({ counter: KNOWN, workers: 8 });
    expect(deps.asked).toEqual(['Counter ID: ', 'Number of workers: ']);
  });

  it('should ask again after an unknown counter ID, including one given as a flag', async () => {
    const deps = terminal(['nope', '', KNOWN]);
    await expect(resolveTarget({ counter: 'typo', workers: 2 }, deps)).resolves.toMatchObject({
      counter: KNOWN,
    });
    expect(deps.said).toEqual([
      'No counter with ID "typo" (counter does not exist). Try again.',
      'No counter with ID "nope" (counter does not exist). Try again.',
    ]);
    expect(deps.asked).toHaveLength(3);
  });

  it('should ask again after a worker count that is not a positive whole number', async () => {
    const deps = terminal(['0', '-3', 'lots', '2.5', '3']);
    await expect(resolveTarget({ counter: KNOWN }, deps)).resolves.toMatchObject({ workers: 3 });
    expect(deps.said).toHaveLength(4);
  });

  it('should refuse missing flags without a terminal, naming both', async () => {
    const deps = { ...terminal([]), ask: undefined };
    await expect(resolveTarget({}, deps)).rejects.toThrow(MissingInput);
    await expect(resolveTarget({}, deps)).rejects.toThrow('missing --counter and --workers');
    await expect(resolveTarget({ counter: KNOWN }, deps)).rejects.toThrow(/missing --workers \(/);
  });

  it('should refuse an unknown counter without a terminal', async () => {
    const deps = { ...terminal([]), ask: undefined };
    await expect(resolveTarget({ counter: 'typo', workers: 1 }, deps)).rejects.toThrow(
      '--counter: counter does not exist',
    );
  });

  it('should let a lookup failure through: asking again cannot fix an unreachable server', async () => {
    const deps = { ...terminal([]), lookup: () => Promise.reject(new Error('ECONNREFUSED')) };
    await expect(resolveTarget({ counter: KNOWN, workers: 1 }, deps)).rejects.toThrow(
      'ECONNREFUSED',
    );
  });
});
