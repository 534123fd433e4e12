import { beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * Runs the k6 scripts' own code (options, setup, iteration, teardown, summary) in Node, with
 * k6's modules replaced by fakes that answer like the counter API. k6 itself is not installed
 * here; this checks the wiring, the shared module's tests check the logic.
 */

const state = vi.hoisted(() => ({
  aggregate: 1000,
  activeShards: 10,
  requests: [] as Array<{ method: string; url: string; body?: string }>,
  metrics: new Map<string, Array<number | boolean>>(),
  slept: [] as number[],
}));

function respond(method: string, url: string, body?: string) {
  state.requests.push({ method, url, body });
  const json = (status: number, value: unknown) => ({
    status,
    body: JSON.stringify(value),
    headers: {},
  });
  const view = () => ({
    id: 'c1',
    aggregate: state.aggregate,
    activeShards: state.activeShards,
    shards: [],
  });
  if (method === 'POST' && url.endsWith('/api/counters')) return json(201, view());
  if (method === 'GET') return json(200, view());
  const { amount, count } = JSON.parse(body ?? '{}') as { amount?: number; count?: number };
  if (url.endsWith('/decrement')) {
    if ((amount ?? 0) > state.aggregate) return json(409, { error: { code: 'insufficient' } });
    state.aggregate -= amount ?? 0;
    return json(200, { counterId: 'c1', delta: -(amount ?? 0), shardId: 's' });
  }
  state.activeShards += url.endsWith('/split') ? (count ?? 0) : -(count ?? 0);
  return json(200, view());
}

vi.mock('k6', () => ({
  check: (value: unknown, sets: Record<string, (v: unknown) => boolean>) =>
    Object.values(sets).every((fn) => fn(value)),
  sleep: (s: number) => state.slept.push(s),
}));
vi.mock('k6/http', () => {
  const http = {
    get: (url: string) => respond('GET', url),
    post: (url: string, body?: string) => respond('POST', url, body),
    setResponseCallback: () => undefined,
    expectedStatuses: () => ({}),
  };
  return { default: http };
});
vi.mock('k6/crypto', () => ({ default: { randomBytes: (n: number) => new Uint8Array(n).buffer } }));
vi.mock('k6/execution', () => ({
  default: { scenario: { startTime: Date.now() }, vu: { iterationInScenario: 0 } },
}));
vi.mock('k6/metrics', () => {
  class Metric {
    constructor(readonly name: string) {
      state.metrics.set(name, []);
    }
    add(value: number | boolean) {
      state.metrics.get(this.name)?.push(value);
    }
  }
  return { Counter: Metric, Gauge: Metric, Rate: Metric, Trend: Metric };
});
vi.mock('https://jslib.k6.io/k6-summary/0.1.0/index.js', () => ({
  textSummary: () => '(k6 text summary)',
}));

/** The end-of-test data k6 would hand to handleSummary, from what the fakes recorded. */
function summaryData(setupData: unknown) {
  const count = (name: string) =>
    (state.metrics.get(name) ?? []).reduce<number>((sum, v) => sum + Number(v), 0);
  const last = (name: string) => (state.metrics.get(name) ?? []).slice(-1)[0];
  return {
    setup_data: setupData,
    metrics: {
      units_decremented: { values: { count: count('units_decremented') } },
      final_aggregate: { values: { value: Number(last('final_aggregate')) } },
    },
  };
}

beforeEach(() => {
  vi.resetModules();
  state.aggregate = 1000;
  state.activeShards = 10;
  state.requests.length = 0;
  state.metrics.clear();
  state.slept.length = 0;
  vi.stubGlobal('__ENV', { VUS: '3', DURATION: '10s' });
});

describe('consumer.js', () => {
  it('should create a counter, decrement it, and report an exact total', async () => {
    const script = await import('./consumer.js');
    expect(script.options.scenarios).toEqual({
      consumers: { executor: 'constant-vus', vus: 3, duration: '10s' },
    });
    expect(Object.keys(script.options.thresholds ?? {})).toEqual([
      'unexpected_status',
      'http_req_duration{name:decrement}',
    ]);

    const data = script.setup();
    for (let i = 0; i < 50; i++) script.default(data);
    script.teardown(data);
    const summary = script.handleSummary(summaryData(data));

    expect(data).toEqual({ counterId: 'c1', startAggregate: 1000 });
    expect(state.requests.filter((r) => r.url.endsWith('/decrement'))).toHaveLength(50);
    expect(state.slept.every((s) => s >= 0.25 && s <= 0.5)).toBe(true);
    expect(summary.stdout).toContain('(k6 text summary)');
    expect(summary.stdout).toMatch(
      /exactness: OK \(final aggregate \d+ = 1000 at start - \d+ decremented\)\n$/,
    );
  });
});

describe('stress.js', () => {
  it('should step the arrival rate and print the table with the exactness line', async () => {
    vi.stubGlobal('__ENV', { RATES: '10,20', STEP_SECONDS: '5' });
    const script = await import('./stress.js');
    const scenario = script.options.scenarios?.stress;
    expect(scenario).toMatchObject({ executor: 'ramping-arrival-rate', startRate: 10 });
    expect(Object.keys(script.options.thresholds ?? {})).toEqual([
      'unexpected_status',
      'http_req_duration{stage:10}',
      'http_req_duration{stage:20}',
    ]);

    const data = script.setup();
    for (let i = 0; i < 20; i++) script.default(data);
    script.teardown(data);
    const summary = script.handleSummary(summaryData(data));

    expect(state.slept).toEqual([]);
    expect(summary.stdout).toContain('offered/s');
    expect(summary.stdout).toMatch(/exactness: OK/);
  });
});

describe('split-under-load.js', () => {
  it('should split and merge while consumers run, and stay exact', async () => {
    const script = await import('./split-under-load.js');
    expect(Object.keys(script.options.scenarios ?? {})).toEqual(['consumers', 'management']);

    const data = script.setup();
    script.default(data);
    script.reshard(data);
    script.default(data);
    script.teardown(data);

    expect(state.requests.map((r) => r.url.split('/').pop())).toContain('split');
    expect(state.activeShards).toBe(12);
    expect(state.metrics.get('management_ok')).toEqual([1]);
    expect(state.metrics.get('unexpected_status')).not.toContain(true);
    expect(script.handleSummary(summaryData(data)).stdout).toMatch(/exactness: OK/);
  });
});
