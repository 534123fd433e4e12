/**
 * `npm run bench`: the distributed counter side by side with what people use instead, on this
 * machine, over loopback. Each scenario's target runs in a child process (bench/target.ts);
 * this process drives it with autocannon, checks the count after every run, prints a table and
 * writes bench/results/latest.json and bench/results/throughput.svg.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { renderChart } from './chart.js';
import type { FromTarget, ToTarget } from './ipc.js';
import { combineLoads, measure, warmUp, type LoadResult, type LoadSettings } from './load.js';
import { USAGE, parseBenchArgs, type BenchOptions } from './options.js';
import { formatProfile, summarizeProfile, type CpuProfile } from './profile.js';
import { formatTable, toRow, withRatios, type Row, type TargetStats } from './report.js';
import { DESCRIPTIONS, type Scenario } from './scenarios.js';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const PROFILES = fileURLToPath(new URL('./results/profiles/', import.meta.url));
const TARGET = fileURLToPath(new URL('./target.ts', import.meta.url));

async function main(argv: string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }

  const loadAtStart = os.loadavg()[0] ?? 0;
  console.log(
    `bench: ${machine()}, load average ${loadAtStart.toFixed(2)}; ` +
      `${options.load.measureSeconds} s per measurement after ${options.load.warmupSeconds} s warm-up`,
  );
  if (loadAtStart > os.cpus().length / 2) {
    progress('bench: other work is keeping this machine busy; expect noisy numbers');
  }
  const started = performance.now();
  const rows: Row[] = [];
  const targets = new Map<Scenario, TargetProcess>();
  try {
    for (const scenario of options.scenarios) {
      progress(`${scenario}: starting (${DESCRIPTIONS[scenario]})`);
      const target = await TargetProcess.start(scenario);
      targets.set(scenario, target);
      progress(`${scenario}: priming (${options.load.primeSeconds} s of unmeasured load)`);
      await prime(target, Math.max(...options.connections), options.load);
    }
    for (const connections of options.connections) {
      const measured = await measureInTurns(targets, connections, options);
      for (const row of measured)
        progress(`    ${row.scenario} @ ${connections}: ${describeRow(row)}`);
      rows.push(...measured);
    }
  } finally {
    await Promise.all([...targets.values()].map((target) => target.stop()));
  }

  const table = withRatios(rows);
  console.log(`\n${formatTable(table)}\n`);
  const seconds = (performance.now() - started) / 1000;
  console.log(`bench: ${seconds.toFixed(0)} s in all`);

  // Only full runs replace the committed results; a quick look must not overwrite them.
  const quick = options.load.measureSeconds < 5;
  if (!options.profile && !quick) await writeResults(table, options.load, seconds, loadAtStart);

  // The bar is the product's: a wrong count elsewhere is reported, but only the product fails.
  let failed = false;
  for (const row of table.filter((r) => r.exactness.ok !== true)) {
    const e = row.exactness;
    const fails = row.scenario.startsWith('distributed');
    failed ||= fails;
    console.error(
      `bench: ${fails ? 'FAILED' : 'warning:'} ${row.scenario} @ ${row.connections}: the count went ` +
        `from ${e.start} to ${e.end}; ${row.ok} acknowledged decrements make ${e.expected}` +
        (e.note === undefined ? '' : ` (${e.note})`),
    );
  }
  return failed ? 1 : 0;
}

/** Unmeasured load until the target's request path runs as optimized code (see LoadSettings). */
async function prime(target: TargetProcess, connections: number, settings: LoadSettings) {
  await warmUp(target.url, connections, { ...settings, warmupSeconds: settings.primeSeconds });
}

/**
 * Every scenario at one concurrency: each warms up once, then they take turns for
 * `rounds` measured runs each, and each scenario's runs are added up into one row.
 */
async function measureInTurns(
  targets: ReadonlyMap<Scenario, TargetProcess>,
  connections: number,
  options: BenchOptions,
): Promise<Row[]> {
  const { load: settings } = options;
  const plans: { scenario: Scenario; target: TargetProcess; perRound: number }[] = [];
  for (const [scenario, target] of targets) {
    progress(`${scenario} @ ${connections} connections: warming up`);
    const amount = await warmUp(target.url, connections, settings);
    plans.push({ scenario, target, perRound: Math.ceil(amount / settings.rounds) });
  }

  // The warm-ups end by dropping connections; what they had in flight still finishes.
  const before = new Map<Scenario, TargetStats>();
  for (const { scenario, target } of plans) {
    await target.quiet();
    before.set(scenario, { ...(await target.counters()), value: await target.value() });
  }

  const loads = new Map<Scenario, LoadResult[]>(plans.map((p) => [p.scenario, []]));
  for (let round = 1; round <= settings.rounds; round++) {
    progress(`[${connections} connections] round ${round} of ${settings.rounds}`);
    for (const { scenario, target, perRound } of plans) {
      const profileFile = `${PROFILES}${scenario}-${connections}.cpuprofile`;
      if (options.profile) await target.profile('start');
      const load = await measure(target.url, connections, perRound, settings.limitSeconds);
      if (options.profile) {
        await target.profile('stop', profileFile);
        console.log(`\n${await describeProfile(profileFile)}\n`);
      }
      loads.get(scenario)?.push(load);
      const rate = load.elapsedMs > 0 ? (load.ok * 1000) / load.elapsedMs : 0;
      progress(`    ${scenario}: ${Math.round(rate).toLocaleString('en-US')} ops/s`);
      // A run stopped with requests in flight leaves the target working (an optimistic
      // writer's retries can go on for seconds); let it finish before the next one is measured.
      if (load.cutShort) await target.quiet();
    }
  }

  const rows: Row[] = [];
  for (const { scenario, target } of plans) {
    await target.quiet();
    const after = { ...(await target.counters()), value: await target.value() };
    const start = before.get(scenario);
    if (start === undefined) throw new Error(`no starting count for ${scenario}`);
    rows.push(toRow(scenario, connections, combineLoads(loads.get(scenario) ?? []), start, after));
  }
  return rows;
}

function describeRow(row: Row): string {
  const parts = [
    `${Math.round(row.opsPerSec).toLocaleString('en-US')} ops/s`,
    `p50 ${row.p50Ms?.toFixed(2) ?? '-'} ms`,
    `p99 ${row.p99Ms?.toFixed(2) ?? '-'} ms`,
    `${row.requests} requests`,
    `${row.storeRequestsPerOp.toFixed(2)} store req/op`,
    `${row.storeConnections} store connections opened`,
  ];
  if (row.retriesPerSuccess !== null) parts.push(`${row.retriesPerSuccess.toFixed(2)} retries/ok`);
  parts.push(
    row.exactness.ok === null ? 'count unknown' : row.exactness.ok ? 'count exact' : 'COUNT WRONG',
  );
  return parts.join(', ');
}

/** The forked target and the little request/response protocol spoken with it. */
class TargetProcess {
  private nextId = 1;
  private readonly pending = new Map<number, (message: FromTarget) => void>();
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('message', (message: FromTarget) => {
      if (message.type === 'ready') return;
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    });
  }

  static async start(scenario: Scenario): Promise<TargetProcess> {
    const child = fork(TARGET, [scenario], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) =>
        reject(new Error(`the ${scenario} target exited (${code}) before it was ready`)),
      );
      child.on('message', (message: FromTarget) => {
        if (message.type === 'ready') resolve(message.url);
      });
    });
    return new TargetProcess(child, url);
  }

  async counters(): Promise<Omit<TargetStats, 'value'>> {
    const answer = await this.ask('counters');
    if (answer.type !== 'counters') throw new Error('the target answered out of turn');
    const { storeRequests, storeConnections, retries } = answer;
    return { storeRequests, storeConnections, retries };
  }

  async value(): Promise<number> {
    const answer = await this.ask('value');
    if (answer.type !== 'value' || answer.value === undefined) {
      throw new Error(
        `the target could not read its count: ${answer.type === 'value' ? answer.error : ''}`,
      );
    }
    return answer.value;
  }

  async profile(action: 'start' | 'stop', file = ''): Promise<void> {
    if (action === 'start') await mkdir(PROFILES, { recursive: true });
    const id = this.nextId++;
    const message: ToTarget =
      action === 'start' ? { type: 'profile', id, action } : { type: 'profile', id, action, file };
    const answer = await this.ask(message);
    if (answer.type === 'profile' && answer.error !== undefined) throw new Error(answer.error);
  }

  /** Resolves once the target has sent no store request for 200 ms (at most 5 s). */
  async quiet(): Promise<void> {
    let previous = (await this.counters()).storeRequests;
    for (let i = 0; i < 25; i++) {
      await sleep(200);
      const current = (await this.counters()).storeRequests;
      if (current === previous) return;
      previous = current;
    }
    progress('    (the target kept sending store requests; measuring anyway)');
  }

  async stop(): Promise<void> {
    this.child.send({ type: 'stop' } satisfies ToTarget);
    const timeout = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), 10_000).unref(),
    );
    if ((await Promise.race([this.exited, timeout])) === 'timeout') this.child.kill();
  }

  private ask(question: 'counters' | 'value' | (ToTarget & { id: number })): Promise<FromTarget> {
    const message: ToTarget & { id: number } =
      typeof question === 'string' ? { type: question, id: this.nextId++ } : question;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the target did not answer "${message.type}" within 10 s`)),
        10_000,
      );
      this.pending.set(message.id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.child.send(message);
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function describeProfile(file: string): Promise<string> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const shown = file.slice(file.indexOf('bench/results/'));
  return `${formatProfile(summarizeProfile(profile))}\n(${shown}: open it in Chrome DevTools or speedscope)`;
}

async function writeResults(
  rows: Row[],
  load: LoadSettings,
  seconds: number,
  loadAtStart: number,
): Promise<void> {
  await mkdir(RESULTS, { recursive: true });
  const document = {
    generatedAt: new Date().toISOString(),
    machine: machine(),
    loadAverage: { atStart: round2(loadAtStart), atEnd: round2(os.loadavg()[0] ?? 0) },
    settings: { ...load, request: 'POST {"amount":1}, a decrement of 1' },
    scenarios: DESCRIPTIONS,
    totalSeconds: Math.round(seconds),
    // The bar the bench enforces; other scenarios' checks are in their rows.
    distributedExact: rows
      .filter((r) => r.scenario.startsWith('distributed'))
      .every((r) => r.exactness.ok),
    rows,
  };
  await writeFile(`${RESULTS}latest.json`, `${JSON.stringify(document, null, 2)}\n`);
  await writeFile(
    `${RESULTS}throughput.svg`,
    renderChart(rows, 'Decrements per second by concurrency', machine()),
  );
  console.log('bench: wrote bench/results/latest.json and bench/results/throughput.svg');
}

function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${os.platform()} ${os.arch()}, Node ${process.version}`;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function progress(line: string): void {
  console.error(line);
}

process.exitCode = await main(process.argv.slice(2));
