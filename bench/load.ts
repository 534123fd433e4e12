import autocannon from 'autocannon';

export interface LoadSettings {
  /**
   * Seconds of unmeasured load on each target once, after it starts. Compiling a request path
   * to optimized code takes seconds of traffic: a bare route gets there in well under one, the
   * product (with its store client and the emulator in the same process) takes several.
   */
  primeSeconds: number;
  /** Seconds of unmeasured load first: JIT, connection set-up, the calibration of `amount`. */
  warmupSeconds: number;
  /** About how long the measured runs of one scenario at one concurrency should take in all. */
  measureSeconds: number;
  /**
   * The measured time is split into this many rounds, and the scenarios take turns round by
   * round, so a busy minute on a shared machine slows every scenario alike, not just one.
   */
  rounds: number;
  /** A measured run still going after this many seconds is stopped and reported as cut short. */
  limitSeconds: number;
}

export interface LoadResult {
  requests: number;
  ok: number;
  non2xx: number;
  /** Socket errors and timeouts: requests that got no answer. */
  errors: number;
  elapsedMs: number;
  /** Latency of every answered request, in milliseconds. */
  latencies: number[];
  /** The run hit `limitSeconds` and was stopped with requests in flight. */
  cutShort: boolean;
}

/** A measured run asks at least this much of every connection, however slow the warm-up was. */
const MIN_REQUESTS_PER_CONNECTION = 5;

const REQUEST = {
  method: 'POST' as const,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ amount: 1 }),
};

/**
 * Unmeasured load for `warmupSeconds`; returns how many requests the measured run should send
 * to take about `measureSeconds` at the rate seen.
 */
export async function warmUp(
  url: string,
  connections: number,
  settings: LoadSettings,
): Promise<number> {
  const warm = await autocannon({ url, connections, duration: settings.warmupSeconds, ...REQUEST });
  const rate = (warm['2xx'] + warm.non2xx) / settings.warmupSeconds;
  return Math.max(
    connections * MIN_REQUESTS_PER_CONNECTION,
    Math.round(rate * settings.measureSeconds),
  );
}

/** A run that has sent nothing yet. */
export function emptyLoad(): LoadResult {
  return {
    requests: 0,
    ok: 0,
    non2xx: 0,
    errors: 0,
    elapsedMs: 0,
    latencies: [],
    cutShort: false,
  };
}

/** Several runs against one target, taken as one: counts and time added, latencies pooled. */
export function combineLoads(results: readonly LoadResult[]): LoadResult {
  return {
    requests: sum(results, (r) => r.requests),
    ok: sum(results, (r) => r.ok),
    non2xx: sum(results, (r) => r.non2xx),
    errors: sum(results, (r) => r.errors),
    elapsedMs: sum(results, (r) => r.elapsedMs),
    latencies: results.flatMap((r) => r.latencies),
    cutShort: results.some((r) => r.cutShort),
  };
}

function sum(results: readonly LoadResult[], of: (r: LoadResult) => number): number {
  return results.reduce((total, r) => total + of(r), 0);
}

/**
 * Sends exactly `amount` requests over `connections` and records every answer.
 *
 * A fixed count, not a fixed time, is what makes the exactness check possible: autocannon ends a
 * timed run by dropping its connections, so requests in flight at that moment may be applied
 * without anyone counting their answer. A counted run ends only when each connection has had
 * its last answer.
 */
export function measure(
  url: string,
  connections: number,
  amount: number,
  limitSeconds: number,
): Promise<LoadResult> {
  const result = emptyLoad();
  const started = performance.now();
  let lastAnswer = started;

  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, amount, ...REQUEST }, (error) => {
      clearTimeout(limit);
      if (error) {
        reject(error);
        return;
      }
      result.elapsedMs = lastAnswer - started;
      resolve(result);
    });
    const limit = setTimeout(() => {
      result.cutShort = true;
      instance.stop();
    }, limitSeconds * 1000);

    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      lastAnswer = performance.now();
      result.requests += 1;
      result.latencies.push(responseTime);
      if (statusCode >= 200 && statusCode < 300) result.ok += 1;
      else result.non2xx += 1;
    });
    instance.on('reqError', () => {
      result.requests += 1;
      result.errors += 1;
    });
  });
}
