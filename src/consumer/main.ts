import { createInterface } from 'node:readline/promises';
import { USAGE, UsageError, parseConsumerArgs, type ConsumerOptions } from './args.js';
import { CounterClient } from './client.js';
import { formatOperation, wantsColour } from './output.js';
import { resolveTarget, type Target } from './prompt.js';
import { runWorkers } from './run.js';
import { formatSummary } from './summary.js';

/**
 * The command-line load driver: `npm run consumer -- --counter <id> --workers 8`.
 * Exit status 0 when no request failed, 1 when some did (or the server was unreachable),
 * 2 for a command line that cannot be run, 130 when interrupted before the run started.
 */
async function main(argv: string[]): Promise<number> {
  let options: ConsumerOptions;
  try {
    options = parseConsumerArgs(argv);
  } catch (error) {
    return usageFailure(error);
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }

  const client = new CounterClient(options.url);
  let target: Target;
  try {
    target = await askForTarget(options, client);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(error);
    if (error instanceof Error && error.name === 'AbortError') return 130;
    console.error(`consumer: cannot read the counter at ${options.url}: ${describe(error)}`);
    return 1;
  }

  return run(options, target, client);
}

async function askForTarget(options: ConsumerOptions, client: CounterClient): Promise<Target> {
  const deps = {
    lookup: (id: string) => client.lookup(id),
    say: (line: string) => console.log(line),
  };
  const complete = options.counter !== undefined && options.workers !== undefined;
  if (complete || process.stdin.isTTY !== true)
    return resolveTarget(options, { ...deps, ask: undefined });

  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const interrupted = new AbortController();
  rl.on('SIGINT', () => interrupted.abort());
  try {
    return await resolveTarget(options, {
      ...deps,
      ask: (question) => rl.question(question, { signal: interrupted.signal }),
    });
  } finally {
    rl.close();
  }
}

async function run(
  options: ConsumerOptions,
  target: Target,
  client: CounterClient,
): Promise<number> {
  const colour = wantsColour(process.stdout, process.env);
  const stop = new AbortController();
  const stopOnSignal = (): void => {
    if (stop.signal.aborted) process.exit(130);
    console.error('\nStopping: letting requests in flight finish (Ctrl-C again to quit at once)');
    stop.abort();
  };
  process.on('SIGINT', stopOnSignal);
  process.on('SIGTERM', stopOnSignal);
  const timer =
    options.duration === undefined
      ? undefined
      : setTimeout(() => stop.abort(), options.duration * 1000);

  const think =
    options.think.min === options.think.max
      ? `${options.think.min}`
      : `${options.think.min}-${options.think.max}`;
  const until =
    options.duration === undefined
      ? 'until Ctrl-C'
      : `for ${options.duration} s (Ctrl-C stops early)`;
  console.log(
    `Decrementing counter ${target.counter} (aggregate ${target.startAggregate}) at ${options.url} ` +
      `with ${target.workers} worker${target.workers === 1 ? '' : 's'}, think time ${think} ms, ${until}`,
  );

  const { stats, elapsedMs } = await runWorkers(
    { workers: target.workers, think: options.think },
    {
      decrement: (amount) => client.decrement(target.counter, amount),
      onOutcome: options.quiet
        ? () => undefined
        : (outcome) => console.log(formatOperation(outcome, colour)),
    },
    stop.signal,
  );
  clearTimeout(timer);

  const finalAggregate = await client.lookup(target.counter).then(
    (found) => (found.found ? found.aggregate : undefined),
    (error: unknown) => {
      console.error(`consumer: could not read the final aggregate: ${describe(error)}`);
      return undefined;
    },
  );
  const snapshot = stats.snapshot();
  console.log('');
  console.log(
    formatSummary({
      stats: snapshot,
      elapsedMs,
      startAggregate: target.startAggregate,
      finalAggregate,
    }),
  );

  process.off('SIGINT', stopOnSignal);
  process.off('SIGTERM', stopOnSignal);
  return snapshot.errors > 0 ? 1 : 0;
}

function usageFailure(error: unknown): number {
  console.error(`consumer: ${describe(error)}\n\n${USAGE}`);
  return 2;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

process.exitCode = await main(process.argv.slice(2));
