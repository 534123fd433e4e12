import { parseArgs } from 'node:util';

/** Pause between one worker's operations, in milliseconds, drawn uniformly from [min, max]. */
export interface ThinkTime {
  min: number;
  max: number;
}

export interface ConsumerOptions {
  url: string;
  counter?: string;
  workers?: number;
  /** Seconds to run; undefined runs until Ctrl-C. */
  duration?: number;
  think: ThinkTime;
  quiet: boolean;
  help: boolean;
}

export const DEFAULT_URL = 'http://127.0.0.1:3000';
export const DEFAULT_THINK: ThinkTime = { min: 250, max: 500 };
/** Each worker is one request in flight; past this many the driver itself becomes the bottleneck. */
export const MAX_WORKERS = 1000;

export const USAGE = `Usage: npm run consumer -- [options]

Decrements a counter by a random 1-3 from several workers at once, then prints a summary.

Options:
  --url <url>          base URL of the counter service (default ${DEFAULT_URL})
  --counter <id>       the counter to decrement (asked for when run in a terminal)
  --workers <n>        concurrent workers, 1-${MAX_WORKERS} (asked for when run in a terminal)
  --duration <s>       stop after this many seconds (default: run until Ctrl-C)
  --think-ms <ms>      pause between one worker's operations: a number, a range such as
                       100-200, or 0 for full speed (default ${DEFAULT_THINK.min}-${DEFAULT_THINK.max})
  --quiet              no line per operation, only the summary
  -h, --help           show this help

Exit status: 0 when no errors occurred (refusals for insufficient units are not errors),
1 when any request failed, 2 on a usage error.`;

/** A command line that cannot be run; the message says which flag and why. */
export class UsageError extends Error {}

/**
 * Parses the consumer's command line (without the `node script` prefix).
 *
 * @example parseConsumerArgs(['--counter', id, '--workers', '8', '--think-ms', '0'])
 */
export function parseConsumerArgs(argv: string[]): ConsumerOptions {
  const { values } = parseFlags(argv);

  return {
    url: parseUrl(values.url ?? DEFAULT_URL),
    counter: values.counter === undefined ? undefined : parseCounterId(values.counter),
    workers: values.workers === undefined ? undefined : parseWorkers(values.workers),
    duration: values.duration === undefined ? undefined : parseDuration(values.duration),
    think: values['think-ms'] === undefined ? DEFAULT_THINK : parseThinkTime(values['think-ms']),
    quiet: values.quiet ?? false,
    help: values.help ?? false,
  };
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        counter: { type: 'string' },
        workers: { type: 'string' },
        duration: { type: 'string' },
        'think-ms': { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function parseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url: "${text}" is not a URL (expected e.g. ${DEFAULT_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url: must start with http:// or https://, got "${text}"`);
  }
  return url.href.replace(/\/+$/, '');
}

/** Counter IDs are UUIDs; trimming spares a stray space pasted from the dashboard. */
export function parseCounterId(text: string): string {
  const id = text.trim();
  if (id === '') throw new UsageError('--counter: must not be empty');
  return id;
}

export function parseWorkers(text: string): number {
  const n = wholeNumber(text.trim());
  if (n === undefined || n < 1 || n > MAX_WORKERS) {
    throw new UsageError(
      `--workers: must be a whole number from 1 to ${MAX_WORKERS}, got "${text}"`,
    );
  }
  return n;
}

export function parseDuration(text: string): number {
  const seconds = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--duration: must be a positive number of seconds, got "${text}"`);
  }
  return seconds;
}

/** "0", "250" or "100-200" (milliseconds). */
export function parseThinkTime(text: string): ThinkTime {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  const min = match?.[1] === undefined ? undefined : wholeNumber(match[1]);
  const max = match?.[2] === undefined ? min : wholeNumber(match[2]);
  if (min === undefined || max === undefined) {
    throw new UsageError(`--think-ms: expected a number or a range such as 100-200, got "${text}"`);
  }
  if (max < min) {
    throw new UsageError(`--think-ms: the range ${min}-${max} runs backwards`);
  }
  return { min, max };
}

function wholeNumber(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}
