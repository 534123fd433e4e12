/**
 * Request and check logic shared by the k6 scripts and their Node tests.
 *
 * Nothing here imports a `k6/*` module: the scripts pass in k6's `http`, `check`, `sleep` and
 * metric objects, and the tests pass fakes with the same shape. Keep it plain ES2020 so both
 * k6's JavaScript runtime and Node run it unchanged.
 */

/**
 * @typedef {{ status: number, body: unknown, headers: Record<string, string> }} HttpResponse
 * @typedef {{ headers?: Record<string, string>, tags?: Record<string, string>, timeout?: string }} HttpParams
 * @typedef {{
 *   get(url: string, params?: HttpParams): HttpResponse,
 *   post(url: string, body?: string, params?: HttpParams): HttpResponse,
 * }} Http
 * @typedef {{ add(value: number | boolean, tags?: Record<string, string>): void }} Metric
 * @typedef {'success' | 'insufficient' | 'unexpected'} Outcome
 * @typedef {{ min: number, max: number }} ThinkTime
 * @typedef {{
 *   baseUrl: string,
 *   counterId: string | undefined,
 *   vus: number,
 *   duration: string,
 *   think: ThinkTime,
 *   p95Ms: number,
 *   initialValue: number,
 *   shards: number,
 * }} Config
 * @typedef {{
 *   success: Metric,
 *   insufficient: Metric,
 *   units: Metric,
 *   unexpected: Metric,
 * }} DecrementMetrics
 */

export const DEFAULT_BASE_URL = 'http://127.0.0.1:3000';

/** k6 custom metric names; the summary reads them back by these names. */
export const METRIC = {
  success: 'decrement_success',
  insufficient: 'decrement_insufficient',
  units: 'units_decremented',
  unexpected: 'unexpected_status',
  finalAggregate: 'final_aggregate',
  managementOk: 'management_ok',
  managementBusy: 'management_busy',
};

/** A value from `-e NAME=value` that cannot be used; the message names the variable. */
export class ConfigError extends Error {}

/**
 * Reads the run's settings from k6's `__ENV` (or any string map).
 *
 * @param {Record<string, string | undefined>} env
 * @param {{ vus?: number, duration?: string, think?: string, initialValue?: number }} [defaults]
 * @returns {Config}
 */
export function readConfig(env, defaults = {}) {
  const counterId = blank(env.COUNTER_ID) ? undefined : String(env.COUNTER_ID).trim();
  return {
    baseUrl: baseUrl(env.BASE_URL),
    counterId,
    vus: wholeNumber(env, 'VUS', defaults.vus ?? 10, 1),
    duration: durationText(env.DURATION, defaults.duration ?? '30s'),
    think: thinkTime(blank(env.THINK_MS) ? (defaults.think ?? '250-500') : String(env.THINK_MS)),
    p95Ms: wholeNumber(env, 'P95_MS', 500, 1),
    initialValue: wholeNumber(env, 'INITIAL_VALUE', defaults.initialValue ?? 100000, 0),
    shards: wholeNumber(env, 'SHARDS', 10, 1),
  };
}

/**
 * One more whole-number setting of a script (SPLIT_COUNT, STEP_SECONDS, ...), checked the same
 * way as the shared ones.
 *
 * @param {Record<string, string | undefined>} env
 * @param {string} name
 * @param {number} fallback
 * @param {number} [min]
 */
export function readWholeNumber(env, name, fallback, min = 1) {
  return wholeNumber(env, name, fallback, min);
}

/**
 * The thresholds every script shares: more than 1% unexpected answers, or a decrement p95 over
 * the bound, fails the run.
 *
 * @param {Config} config
 * @returns {Record<string, string[]>}
 */
export function sharedThresholds(config) {
  return {
    [METRIC.unexpected]: ['rate<0.01'],
    'http_req_duration{name:decrement}': [`p(95)<${config.p95Ms}`],
  };
}

/** @param {string | undefined} text */
function baseUrl(text) {
  const url = blank(text) ? DEFAULT_BASE_URL : String(text).trim();
  if (!/^https?:\/\/[^/\s]+/.test(url)) {
    throw new ConfigError(
      `BASE_URL must be an http(s) URL such as ${DEFAULT_BASE_URL}, got "${url}"`,
    );
  }
  return url.replace(/\/+$/, '');
}

/**
 * @param {Record<string, string | undefined>} env
 * @param {string} name
 * @param {number} fallback
 * @param {number} min
 */
function wholeNumber(env, name, fallback, min) {
  const text = env[name];
  if (blank(text)) return fallback;
  const value = Number(String(text).trim());
  if (!/^\d+$/.test(String(text).trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(`${name} must be a whole number of at least ${min}, got "${text}"`);
  }
  return value;
}

/**
 * @param {string | undefined} text
 * @param {string} fallback
 */
function durationText(text, fallback) {
  if (blank(text)) return fallback;
  const value = String(text).trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(value)) {
    throw new ConfigError(
      `DURATION must be a k6 duration such as 30s, 2m or 1m30s, got "${value}"`,
    );
  }
  return value;
}

/**
 * "0", "250" or "250-500", in milliseconds.
 *
 * @param {string} text
 * @returns {ThinkTime}
 */
export function thinkTime(text) {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  if (match === null) {
    throw new ConfigError(
      `THINK_MS must be a number of milliseconds or a range such as 250-500, got "${text}"`,
    );
  }
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : Number(match[2]);
  if (max < min) throw new ConfigError(`THINK_MS range ${min}-${max} runs backwards`);
  return { min, max };
}

/** @param {unknown} text */
function blank(text) {
  return text === undefined || text === null || String(text).trim() === '';
}

/** @param {() => number} random */
export function decrementAmount(random) {
  return 1 + Math.floor(random() * 3);
}

/**
 * Seconds to pause, as k6's `sleep` takes them.
 *
 * @param {ThinkTime} think
 * @param {() => number} random
 */
export function thinkSeconds(think, random) {
  return (think.min + Math.floor(random() * (think.max - think.min + 1))) / 1000;
}

/**
 * A version 4 UUID from 16 random bytes (k6: `new Uint8Array(crypto.randomBytes(16))`).
 *
 * @param {Uint8Array} bytes
 */
export function uuidFromBytes(bytes) {
  if (bytes.length < 16) throw new RangeError('a UUID needs 16 random bytes');
  const b = Array.from(bytes.slice(0, 16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The parsed JSON body, or undefined for an empty or non-JSON body.
 *
 * @param {HttpResponse} response
 * @returns {unknown}
 */
export function bodyOf(response) {
  if (typeof response.body !== 'string' || response.body === '') return undefined;
  try {
    return JSON.parse(response.body);
  } catch {
    return undefined;
  }
}

/**
 * The `error.code` of the API's error shape, if the body has one.
 *
 * @param {HttpResponse} response
 * @returns {string | undefined}
 */
export function errorCode(response) {
  const body = /** @type {{ error?: { code?: unknown } } | undefined} */ (bodyOf(response));
  const code = body && typeof body === 'object' && body.error ? body.error.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/**
 * 200 applied and 409 `insufficient` are the answers a healthy counter gives; everything else,
 * other 409s included, is unexpected.
 *
 * @param {HttpResponse} response
 * @returns {Outcome}
 */
export function classifyDecrement(response) {
  if (response.status === 200) return 'success';
  if (response.status === 409 && errorCode(response) === 'insufficient') return 'insufficient';
  return 'unexpected';
}

/**
 * Headers and tags for one API call; the `name` tag groups requests in k6's metrics.
 *
 * @param {string} name
 * @param {string} [idempotencyKey]
 * @param {Record<string, string>} [tags]
 * @returns {HttpParams}
 */
function jsonParams(name, idempotencyKey, tags = {}) {
  /** @type {Record<string, string>} */
  const headers = { 'content-type': 'application/json' };
  if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
  return { headers, tags: { ...tags, name }, timeout: '10s' };
}

/** @param {string} baseUrl @param {string} counterId */
function counterUrl(baseUrl, counterId) {
  return `${baseUrl}/api/counters/${encodeURIComponent(counterId)}`;
}

/**
 * Creates a bounded counter and returns its view; throws with the server's answer otherwise.
 *
 * @param {Http} http
 * @param {Config} config
 * @param {string} name
 * @returns {{ id: string, aggregate: number, activeShards: number }}
 */
export function createCounter(http, config, name) {
  const body = JSON.stringify({
    name,
    initialValue: config.initialValue,
    shards: config.shards,
    bounded: true,
  });
  const response = http.post(`${config.baseUrl}/api/counters`, body, jsonParams('create'));
  const view = counterView(bodyOf(response));
  if (response.status !== 201 || view === undefined) {
    throw new Error(
      `creating a counter at ${config.baseUrl} answered ${response.status}: ${String(response.body)}`,
    );
  }
  return view;
}

/**
 * Reads a counter's view; throws when it cannot (unknown ID, server down).
 *
 * @param {Http} http
 * @param {string} baseUrl
 * @param {string} counterId
 * @returns {{ id: string, aggregate: number, activeShards: number }}
 */
export function readCounter(http, baseUrl, counterId) {
  const response = http.get(counterUrl(baseUrl, counterId), jsonParams('read'));
  const view = counterView(bodyOf(response));
  if (response.status !== 200 || view === undefined) {
    throw new Error(
      `reading counter ${counterId} answered ${response.status}: ${String(response.body)}`,
    );
  }
  return view;
}

/**
 * @param {unknown} body
 * @returns {{ id: string, aggregate: number, activeShards: number } | undefined}
 */
function counterView(body) {
  const view = /** @type {{ id?: unknown, aggregate?: unknown, activeShards?: unknown }} */ (
    body ?? {}
  );
  if (typeof view.id !== 'string' || typeof view.aggregate !== 'number') return undefined;
  const activeShards = typeof view.activeShards === 'number' ? view.activeShards : 0;
  return { id: view.id, aggregate: view.aggregate, activeShards };
}

/**
 * One consumer iteration: decrement by a random 1-3 with a fresh idempotency key, check the
 * answer, count it, then pause for the think time.
 *
 * @param {{
 *   http: Http,
 *   check: (value: HttpResponse, checks: Record<string, (r: HttpResponse) => boolean>) => boolean,
 *   sleep: (seconds: number) => void,
 *   random: () => number,
 *   uuid: () => string,
 *   metrics: DecrementMetrics,
 * }} deps
 * @param {Config} config
 * @param {string} counterId
 * @param {Record<string, string>} [tags] extra tags for the decrement request
 * @returns {{ outcome: Outcome, amount: number, status: number }}
 */
export function consumeOnce(deps, config, counterId, tags) {
  const amount = decrementAmount(deps.random);
  const response = deps.http.post(
    `${counterUrl(config.baseUrl, counterId)}/decrement`,
    JSON.stringify({ amount }),
    jsonParams('decrement', deps.uuid(), tags),
  );
  const outcome = classifyDecrement(response);

  deps.check(response, {
    'decrement answered 200 or 409 insufficient': () => outcome !== 'unexpected',
  });
  deps.metrics.unexpected.add(outcome === 'unexpected');
  if (outcome === 'success') {
    deps.metrics.success.add(1);
    deps.metrics.units.add(amount);
  } else if (outcome === 'insufficient') {
    deps.metrics.insufficient.add(1);
  }

  const pause = thinkSeconds(config.think, deps.random);
  if (pause > 0) deps.sleep(pause);
  return { outcome, amount, status: response.status };
}

/**
 * Splits or merges `count` shards. 200 and 409 `busy` (another management call holds the
 * lease) are expected; a 200 must show the asked-for shard count and a non-negative aggregate.
 *
 * @param {Http} http
 * @param {string} baseUrl
 * @param {string} counterId
 * @param {'split' | 'merge'} action
 * @param {number} count
 * @param {number} activeBefore
 * @returns {{ outcome: 'ok' | 'busy' | 'unexpected', activeShards: number, problem?: string }}
 */
export function manage(http, baseUrl, counterId, action, count, activeBefore) {
  const response = http.post(
    `${counterUrl(baseUrl, counterId)}/${action}`,
    JSON.stringify({ count }),
    jsonParams(action),
  );
  if (response.status === 409 && errorCode(response) === 'busy') {
    return { outcome: 'busy', activeShards: activeBefore };
  }
  const view = counterView(bodyOf(response));
  if (response.status !== 200 || view === undefined) {
    return {
      outcome: 'unexpected',
      activeShards: activeBefore,
      problem: `${action} answered ${response.status}`,
    };
  }

  const expected = action === 'split' ? activeBefore + count : activeBefore - count;
  if (view.activeShards !== expected) {
    const problem = `${action} ${count} from ${activeBefore} shards left ${view.activeShards}, expected ${expected}`;
    return { outcome: 'unexpected', activeShards: view.activeShards, problem };
  }
  if (view.aggregate < 0) {
    return {
      outcome: 'unexpected',
      activeShards: view.activeShards,
      problem: `aggregate ${view.aggregate} below zero`,
    };
  }
  return { outcome: 'ok', activeShards: view.activeShards };
}

/**
 * The management loop alternates, so the shard count swings between N and N + count.
 *
 * @param {number} iteration zero-based
 * @returns {'split' | 'merge'}
 */
export function managementAction(iteration) {
  return iteration % 2 === 0 ? 'split' : 'merge';
}

/**
 * The one-line verdict of a run: the final aggregate must equal the starting aggregate minus
 * every acknowledged unit. Another writer on the same counter makes it differ without a bug.
 *
 * @param {number | undefined} start
 * @param {number | undefined} final
 * @param {number} units
 * @returns {{ exact: boolean | undefined, line: string }}
 */
export function exactness(start, final, units) {
  if (start === undefined || final === undefined) {
    return {
      exact: undefined,
      line: 'exactness: UNKNOWN (the aggregate could not be read at start or end)',
    };
  }
  const expected = start - units;
  if (final === expected) {
    return {
      exact: true,
      line: `exactness: OK (final aggregate ${final} = ${start} at start - ${units} decremented)`,
    };
  }
  return {
    exact: false,
    line:
      `exactness: MISMATCH (final aggregate ${final}, expected ${start} - ${units} = ${expected}, ` +
      `off by ${final - expected}; other writers on this counter also cause this)`,
  };
}

/**
 * @typedef {{ metrics: Record<string, { values: Record<string, number> } | undefined>, setup_data?: unknown }} SummaryData
 */

/**
 * The exactness verdict from k6's end-of-test data: the start aggregate comes from `setup()`'s
 * return value, the units from the `units_decremented` counter, the final aggregate from the
 * gauge `teardown()` sets.
 *
 * @param {SummaryData} data
 */
export function exactnessFromSummary(data) {
  const setup = /** @type {{ startAggregate?: unknown } | undefined} */ (data.setup_data);
  const start =
    setup && typeof setup.startAggregate === 'number' ? setup.startAggregate : undefined;
  const units = data.metrics[METRIC.units]?.values.count ?? 0;
  const final = data.metrics[METRIC.finalAggregate]?.values.value;
  return exactness(start, final, units);
}
