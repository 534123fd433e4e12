import { parseArgs } from 'node:util';
import { SCENARIOS, isScenario, type Scenario } from './scenarios.js';
import type { LoadSettings } from './load.js';

export interface BenchOptions {
  scenarios: Scenario[];
  connections: number[];
  load: LoadSettings;
  /** Run the targets under `node --cpu-prof` and print where their CPU time went. */
  profile: boolean;
  help: boolean;
}

export const DEFAULT_CONNECTIONS = [1, 16, 64, 256];
const FULL: LoadSettings = {
  primeSeconds: 5,
  warmupSeconds: 1,
  measureSeconds: 5,
  rounds: 3,
  limitSeconds: 15,
};
const QUICK: LoadSettings = {
  primeSeconds: 2,
  warmupSeconds: 0.5,
  measureSeconds: 1,
  rounds: 3,
  limitSeconds: 5,
};

export const USAGE = `Usage: npm run bench -- [options]

Measures the distributed counter against a bare HTTP route and two single-document counters,
at several concurrencies, on loopback; about four minutes with the defaults. Every
target runs in its own process from the start and is primed with unmeasured load; at each
concurrency the scenarios take turns, three rounds each, so ratios compare the same minutes.

Options:
  --scenarios <list>    comma-separated, from ${SCENARIOS.join(', ')} (default: all)
  --connections <list>  comma-separated concurrencies (default ${DEFAULT_CONNECTIONS.join(',')})
  --quick               1 s per measurement instead of 5 s, for trying things out;
                        prints the table but leaves bench/results/ as it was
  --profile             profile the targets and print where their CPU went, one round
                        each (default then: distributed at 64 connections)
  -h, --help            show this help`;

export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      scenarios: { type: 'string' },
      connections: { type: 'string' },
      quick: { type: 'boolean' },
      profile: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const profile = values.profile ?? false;

  return {
    scenarios:
      values.scenarios === undefined
        ? profile
          ? ['distributed']
          : [...SCENARIOS]
        : parseScenarios(values.scenarios),
    connections:
      values.connections === undefined
        ? profile
          ? [64]
          : DEFAULT_CONNECTIONS
        : parseConnections(values.connections),
    load: { ...(values.quick === true ? QUICK : FULL), ...(profile ? { rounds: 1 } : {}) },
    profile,
    help: values.help ?? false,
  };
}

function parseScenarios(text: string): Scenario[] {
  const names = text.split(',').map((s) => s.trim());
  const unknown = names.filter((name) => !isScenario(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(
      `--scenarios: unknown ${unknown.join(', ')}; choose from ${SCENARIOS.join(', ')}`,
    );
  }
  return SCENARIOS.filter((s) => names.includes(s));
}

function parseConnections(text: string): number[] {
  const values = text.split(',').map((s) => Number(s.trim()));
  if (values.length === 0 || !values.every((n) => Number.isSafeInteger(n) && n >= 1 && n <= 1024)) {
    throw new Error(`--connections: expected whole numbers from 1 to 1024, got "${text}"`);
  }
  return [...new Set(values)].sort((a, b) => a - b);
}
