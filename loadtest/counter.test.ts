import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  classifyDecrement,
  consumeOnce,
  createCounter,
  exactness,
  exactnessFromSummary,
  managementAction,
  manage,
  readConfig,
  readCounter,
  sharedThresholds,
  thinkSeconds,
  uuidFromBytes,
  type Config,
  type Http,
  type HttpParams,
  type HttpResponse,
} from './lib/counter.js';

const ID = '0b5c2f7e-1d2a-4c3b-9e8f-123456789abc';

interface Sent {
  method: 'GET' | 'POST';
  url: string;
  body?: string;
  params?: HttpParams;
}

/** An `http` with k6's synchronous shape that answers from a script and records each call. */
function fakeHttp(answer: (request: Sent) => HttpResponse): Http & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    get(url, params) {
      const request: Sent = { method: 'GET', url, params };
      sent.push(request);
      return answer(request);
    },
    post(url, body, params) {
      const request: Sent = { method: 'POST', url, body, params };
      sent.push(request);
      return answer(request);
    },
  };
}

function json(status: number, body: unknown): HttpResponse {
  return { status, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } };
}

const insufficient = json(409, {
  error: { code: 'insufficient', message: 'cannot decrement by 3' },
});

function counting() {
  const added: Array<[string, number | boolean]> = [];
  const metric = (name: string) => ({
    add: (value: number | boolean) => added.push([name, value]),
  });
  return {
    added,
    metrics: {
      success: metric('success'),
      insufficient: metric('insufficient'),
      units: metric('units'),
      unexpected: metric('unexpected'),
    },
  };
}

const config: Config = readConfig({});

describe('readConfig', () => {
  it('should default to the local server and the original sample pacing', () => {
    expect(readConfig({})).toEqual({
      baseUrl: 'http://127.0.0.1:3000',
      counterId: undefined,
      vus: 10,
      duration: '30s',
      think: { min: 250, max: 500 },
      p95Ms: 500,
      initialValue: 100000,
      shards: 10,
    });
  });

  it('should read every variable k6 passes with -e', () => {
    const env = {
      BASE_URL: 'https://app.example.azurecontainerapps.io/',
      COUNTER_ID: ` ${ID} `,
      VUS: '50',
      DURATION: '1m30s',
      THINK_MS: '0',
      P95_MS: '250',
      INITIAL_VALUE: '0',
      SHARDS: '20',
    };
    expect(readConfig(env)).toEqual({
      baseUrl: 'https://app.example.azurecontainerapps.io',
      counterId: ID,
      vus: 50,
      duration: '1m30s',
      think: { min: 0, max: 0 },
      p95Ms: 250,
      initialValue: 0,
      shards: 20,
    });
  });

  it('should let a script choose its own defaults', () => {
    expect(readConfig({}, { vus: 20, duration: '1m', think: '0', initialValue: 5 })).toMatchObject({
      vus: 20,
      duration: '1m',
      think: { min: 0, max: 0 },
      initialValue: 5,
    });
  });

  it.each([
    [{ VUS: '0' }, /VUS/],
    [{ VUS: 'ten' }, /VUS/],
    [{ DURATION: '30' }, /DURATION/],
    [{ THINK_MS: '500-250' }, /THINK_MS/],
    [{ THINK_MS: 'slow' }, /THINK_MS/],
    [{ BASE_URL: 'localhost:3000' }, /BASE_URL/],
    [{ P95_MS: '-1' }, /P95_MS/],
  ])('should refuse %j, naming the variable', (env, message) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(message);
  });
});

describe('sharedThresholds', () => {
  it('should fail on over 1% unexpected answers and on a slow decrement p95', () => {
    expect(sharedThresholds({ ...config, p95Ms: 300 })).toEqual({
      unexpected_status: ['rate<0.01'],
      'http_req_duration{name:decrement}': ['p(95)<300'],
    });
  });
});

describe('classifyDecrement', () => {
  it('should expect 200 and 409 insufficient, and nothing else', () => {
    expect(classifyDecrement(json(200, { counterId: ID, delta: -1, shardId: 's' }))).toBe(
      'success',
    );
    expect(classifyDecrement(insufficient)).toBe('insufficient');
    expect(classifyDecrement(json(409, { error: { code: 'contended' } }))).toBe('unexpected');
    expect(classifyDecrement(json(503, { error: { code: 'store_unavailable' } }))).toBe(
      'unexpected',
    );
    expect(classifyDecrement({ status: 0, body: null, headers: {} })).toBe('unexpected');
    expect(classifyDecrement({ status: 409, body: '<html>', headers: {} })).toBe('unexpected');
  });
});

describe('consumeOnce', () => {
  function deps(http: Http, random: () => number) {
    const { added, metrics } = counting();
    const checks: boolean[] = [];
    const slept: number[] = [];
    return {
      added,
      checks,
      slept,
      deps: {
        http,
        random,
        metrics,
        uuid: () => 'key-1',
        sleep: (s: number) => slept.push(s),
        check: (r: HttpResponse, sets: Record<string, (r: HttpResponse) => boolean>) => {
          const ok = Object.values(sets).every((fn) => fn(r));
          checks.push(ok);
          return ok;
        },
      },
    };
  }

  it('should send one decrement of 1-3 with an idempotency key, count its units, then pause', () => {
    const http = fakeHttp(() => json(200, { counterId: ID, delta: -3, shardId: 's1' }));
    const run = deps(http, () => 0.9999);

    const result = consumeOnce(run.deps, config, ID);

    expect(result).toEqual({ outcome: 'success', amount: 3, status: 200 });
    expect(http.sent).toEqual([
      {
        method: 'POST',
        url: `http://127.0.0.1:3000/api/counters/${ID}/decrement`,
        body: '{"amount":3}',
        params: {
          headers: { 'content-type': 'application/json', 'idempotency-key': 'key-1' },
          tags: { name: 'decrement' },
          timeout: '10s',
        },
      },
    ]);
    expect(run.added).toEqual([
      ['unexpected', false],
      ['success', 1],
      ['units', 3],
    ]);
    expect(run.checks).toEqual([true]);
    expect(run.slept).toEqual([0.5]);
  });

  it('should pass an insufficient answer as expected, counting no units', () => {
    const run = deps(
      fakeHttp(() => insufficient),
      () => 0,
    );
    expect(consumeOnce(run.deps, config, ID).outcome).toBe('insufficient');
    expect(run.added).toEqual([
      ['unexpected', false],
      ['insufficient', 1],
    ]);
    expect(run.checks).toEqual([true]);
    expect(run.slept).toEqual([0.25]);
  });

  it('should fail the check and count an unexpected answer', () => {
    const run = deps(
      fakeHttp(() => json(500, { error: { code: 'internal' } })),
      () => 0.5,
    );
    expect(consumeOnce(run.deps, config, ID)).toMatchObject({ outcome: 'unexpected', status: 500 });
    expect(run.added).toEqual([['unexpected', true]]);
    expect(run.checks).toEqual([false]);
  });

  it('should not sleep at full speed, and should add extra tags', () => {
    const http = fakeHttp(() => json(200, {}));
    const run = deps(http, () => 0.5);
    consumeOnce(run.deps, { ...config, think: { min: 0, max: 0 } }, ID, { stage: '100' });
    expect(run.slept).toEqual([]);
    expect(http.sent[0]?.params?.tags).toEqual({ stage: '100', name: 'decrement' });
  });
});

describe('createCounter and readCounter', () => {
  const view = { id: ID, aggregate: 1000, activeShards: 10, shards: [] };

  it('should create a bounded counter with the configured units and shards', () => {
    const http = fakeHttp(() => json(201, view));
    expect(createCounter(http, { ...config, initialValue: 1000 }, 'k6')).toEqual({
      id: ID,
      aggregate: 1000,
      activeShards: 10,
    });
    expect(http.sent[0]?.url).toBe('http://127.0.0.1:3000/api/counters');
    expect(JSON.parse(http.sent[0]?.body ?? '')).toEqual({
      name: 'k6',
      initialValue: 1000,
      shards: 10,
      bounded: true,
    });
  });

  it('should throw with the server answer when creation fails', () => {
    const http = fakeHttp(() => json(400, { error: { code: 'invalid_request', field: 'shards' } }));
    expect(() => createCounter(http, config, 'k6')).toThrow(/answered 400.*shards/);
  });

  it('should read a counter, and throw for an unknown one', () => {
    expect(
      readCounter(
        fakeHttp(() => json(200, view)),
        config.baseUrl,
        ID,
      ).aggregate,
    ).toBe(1000);
    const missing = fakeHttp(() => json(404, { error: { code: 'not_found' } }));
    expect(() => readCounter(missing, config.baseUrl, ID)).toThrow(/answered 404/);
  });
});

describe('manage', () => {
  const answer = (status: number, activeShards: number, aggregate = 500) =>
    fakeHttp(() => json(status, { id: ID, aggregate, activeShards, shards: [] }));

  it('should post the count to split or merge', () => {
    const http = answer(200, 12);
    expect(manage(http, config.baseUrl, ID, 'split', 2, 10)).toEqual({
      outcome: 'ok',
      activeShards: 12,
    });
    expect(http.sent[0]).toMatchObject({
      url: `http://127.0.0.1:3000/api/counters/${ID}/split`,
      body: '{"count":2}',
    });
    expect(manage(answer(200, 10), config.baseUrl, ID, 'merge', 2, 12).outcome).toBe('ok');
  });

  it('should accept 409 busy as someone else holding the lease', () => {
    const http = fakeHttp(() => json(409, { error: { code: 'busy' } }));
    expect(manage(http, config.baseUrl, ID, 'merge', 2, 12)).toEqual({
      outcome: 'busy',
      activeShards: 12,
    });
  });

  it('should flag a wrong shard count, a negative aggregate and other statuses', () => {
    expect(manage(answer(200, 11), config.baseUrl, ID, 'split', 2, 10)).toMatchObject({
      outcome: 'unexpected',
      problem: 'split 2 from 10 shards left 11, expected 12',
    });
    expect(manage(answer(200, 12, -1), config.baseUrl, ID, 'split', 2, 10)).toMatchObject({
      outcome: 'unexpected',
      problem: 'aggregate -1 below zero',
    });
    expect(manage(answer(500, 10), config.baseUrl, ID, 'merge', 2, 12).outcome).toBe('unexpected');
  });

  it('should alternate split and merge', () => {
    expect([0, 1, 2, 3].map(managementAction)).toEqual(['split', 'merge', 'split', 'merge']);
  });
});

describe('exactness', () => {
  it('should say OK when the final aggregate is the start minus the units', () => {
    expect(exactness(1000, 652, 348)).toEqual({
      exact: true,
      line: 'exactness: OK (final aggregate 652 = 1000 at start - 348 decremented)',
    });
  });

  it('should say MISMATCH and by how much', () => {
    const verdict = exactness(1000, 650, 348);
    expect(verdict.exact).toBe(false);
    expect(verdict.line).toMatch(
      /^exactness: MISMATCH \(final aggregate 650, expected 1000 - 348 = 652, off by -2/,
    );
  });

  it('should say UNKNOWN without both aggregates', () => {
    expect(exactness(undefined, 10, 0).exact).toBeUndefined();
    expect(exactness(10, undefined, 0).line).toMatch(/^exactness: UNKNOWN/);
  });

  it('should read the verdict from k6 end-of-test data', () => {
    const data = {
      setup_data: { counterId: ID, startAggregate: 1000 },
      metrics: {
        units_decremented: { values: { count: 348, rate: 11.6 } },
        final_aggregate: { values: { value: 652, min: 652, max: 652 } },
      },
    };
    expect(exactnessFromSummary(data).exact).toBe(true);
    expect(
      exactnessFromSummary({ ...data, metrics: { ...data.metrics, units_decremented: undefined } })
        .line,
    ).toMatch(/MISMATCH/);
    expect(exactnessFromSummary({ metrics: {} }).exact).toBeUndefined();
  });
});

describe('thinkSeconds and uuidFromBytes', () => {
  it('should draw the pause from the whole range, in seconds', () => {
    expect(thinkSeconds({ min: 250, max: 500 }, () => 0)).toBe(0.25);
    expect(thinkSeconds({ min: 250, max: 500 }, () => 0.9999)).toBe(0.5);
  });

  it('should format random bytes as a version 4 UUID', () => {
    const id = uuidFromBytes(new Uint8Array(16).fill(0xff));
    expect(id).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(uuidFromBytes(new Uint8Array(16))).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(() => uuidFromBytes(new Uint8Array(8))).toThrow(RangeError);
  });
});
