import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { startEmbeddedEmulator } from '../../src/cosmos/embedded.js';
import { SHARD_LIMIT } from '../../src/counter/ranges.js';
import { postJson, startTestServer } from '../support/server.js';

let server: RunningServer;
let counterId: string;

beforeAll(async () => {
  server = await startTestServer();
  const created = await postJson(`${server.url}/api/counters`, { initialValue: 20, shards: 4 });
  counterId = ((await created.json()) as { id: string }).id;
});

afterAll(async () => {
  await server.close();
});

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

async function expectProblem(response: Response, status: number, code: string, field?: string) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(/\w/);
  expect(body.error.message).not.toMatch(/ at .*\.(ts|js):\d+/);
  if (field !== undefined) {
    expect(body.error.field).toBe(field);
    expect(body.error.message).toContain(field);
  }
  return body;
}

describe('POST /api/counters', () => {
  it('should create a counter and answer 201 with its shards', async () => {
    const response = await postJson(`${server.url}/api/counters`, {
      name: 'stock',
      initialValue: 7,
      shards: 3,
    });

    expect(response.status).toBe(201);
    const body = (await response.json()) as {
      aggregate: number;
      shards: unknown[];
      bounded: boolean;
    };
    expect(body.aggregate).toBe(7);
    expect(body.shards).toHaveLength(3);
    expect(body.bounded).toBe(true);
  });

  it.each([
    ['a missing field', { shards: 3 }, 'initialValue'],
    ['a string number', { initialValue: '10', shards: 3 }, 'initialValue'],
    ['a fraction', { initialValue: 10, shards: 1.5 }, 'shards'],
    ['zero shards', { initialValue: 10, shards: 0 }, 'shards'],
    ['too many shards', { initialValue: 10, shards: 101 }, 'shards'],
    ['a negative value', { initialValue: -1, shards: 3 }, 'initialValue'],
    ['a value past 2^53', { initialValue: 2 ** 53, shards: 3 }, 'initialValue'],
    ['a wrong type for bounded', { initialValue: 10, shards: 3, bounded: 'yes' }, 'bounded'],
    ['a wrong type for name', { initialValue: 10, shards: 3, name: 5 }, 'name'],
    ['an unknown field', { initialValue: 10, shards: 3, colour: 'red' }, 'colour'],
  ])('should refuse %s with 400 naming the field', async (_, body, field) => {
    const response = await postJson(`${server.url}/api/counters`, body);
    await expectProblem(response, 400, 'invalid_request', field);
  });

  it('should refuse a body not sent as JSON with 415, so a cross-site form cannot post', async () => {
    const response = await fetch(`${server.url}/api/counters`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'https://elsewhere.example' },
      body: JSON.stringify({ initialValue: 1, shards: 1 }),
    });
    await expectProblem(response, 415, 'unsupported_media_type');
  });

  it('should refuse an oversized body of undeclared length (chunked) with 413', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(1024));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await fetch(`${server.url}/api/counters`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    await expectProblem(response, 413, 'too_large');
  });

  it('should refuse malformed JSON with 400', async () => {
    const response = await postJson(`${server.url}/api/counters`, '{"initialValue": 1,');
    await expectProblem(response, 400, 'invalid_json');
  });

  it('should refuse a body that is not an object with 400', async () => {
    const response = await postJson(`${server.url}/api/counters`, '[1, 2]');
    await expectProblem(response, 400, 'invalid_request');
  });

  it('should refuse an oversized body with 413', async () => {
    const response = await postJson(`${server.url}/api/counters`, {
      initialValue: 1,
      shards: 1,
      name: 'x'.repeat(10_000),
    });
    await expectProblem(response, 413, 'too_large');
  });
});

describe('dashboard form posts', () => {
  const postForm = (body: string, contentType: string) =>
    fetch(`${server.url}/counters`, {
      method: 'POST',
      headers: { 'content-type': contentType, origin: server.url },
      body,
    });

  it('should refuse a form that is not URL-encoded with 415', async () => {
    const response = await postForm('{"initialValue":1}', 'application/json');
    await expectProblem(response, 415, 'unsupported_media_type');
  });

  it('should refuse an oversized form with 413 and create nothing', async () => {
    const form = new URLSearchParams({ name: 'x'.repeat(10_000), initialValue: '1', shards: '1' });
    const response = await postForm(form.toString(), 'application/x-www-form-urlencoded');
    await expectProblem(response, 413, 'too_large');
  });

  it('should create a counter from a URL-encoded form', async () => {
    const form = new URLSearchParams({ name: 'form', initialValue: '5', shards: '2' });
    const response = await fetch(`${server.url}/counters`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
      body: form.toString(),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/counters\/[0-9a-f-]{36}$/);
  });
});

describe('POST /api/counters/:id/decrement and /increment', () => {
  it.each([
    ['a missing amount', {}],
    ['a string amount', { amount: '2' }],
    ['a fractional amount', { amount: 1.5 }],
    ['a zero amount', { amount: 0 }],
    ['a negative amount', { amount: -2 }],
    ['a huge amount', { amount: 1e300 }],
    ['a null amount', { amount: null }],
    ['an array amount', { amount: [1] }],
  ])('should refuse %s with 400 naming amount and change nothing', async (_, body) => {
    const before = await (await fetch(`${server.url}/api/counters/${counterId}`)).json();

    const response = await postJson(`${server.url}/api/counters/${counterId}/decrement`, body);

    await expectProblem(response, 400, 'invalid_request', 'amount');
    const after = await (await fetch(`${server.url}/api/counters/${counterId}`)).json();
    expect(after).toEqual(before);
  });

  it('should name an unknown field before the field it probably replaced', async () => {
    const response = await postJson(`${server.url}/api/counters/${counterId}/decrement`, {
      value: 5,
    });
    await expectProblem(response, 400, 'invalid_request', 'value');
  });

  it('should say what came instead of a number', async () => {
    const response = await postJson(`${server.url}/api/counters/${counterId}/decrement`, {
      amount: '5',
    });
    const body = await expectProblem(response, 400, 'invalid_request', 'amount');
    expect(body.error.message).toContain('got a string');
  });

  it('should apply a decrement and an increment exactly', async () => {
    const { id } = (await (
      await postJson(`${server.url}/api/counters`, { initialValue: 10, shards: 3 })
    ).json()) as { id: string };

    expect(
      (await postJson(`${server.url}/api/counters/${id}/decrement`, { amount: 3 })).status,
    ).toBe(200);
    expect(
      (await postJson(`${server.url}/api/counters/${id}/increment`, { amount: 5 })).status,
    ).toBe(200);

    const read = (await (await fetch(`${server.url}/api/counters/${id}`)).json()) as {
      aggregate: number;
    };
    expect(read.aggregate).toBe(12);
  });

  it('should answer 409 insufficient when the counter holds less than the amount', async () => {
    const { id } = (await (
      await postJson(`${server.url}/api/counters`, { initialValue: 2, shards: 2 })
    ).json()) as { id: string };

    const response = await postJson(`${server.url}/api/counters/${id}/decrement`, { amount: 3 });

    await expectProblem(response, 409, 'insufficient');
  });

  it('should refuse an increment past what a shard may hold, naming amount', async () => {
    const { id } = (await (
      await postJson(`${server.url}/api/counters`, { initialValue: SHARD_LIMIT - 1, shards: 1 })
    ).json()) as { id: string };

    const response = await postJson(`${server.url}/api/counters/${id}/increment`, { amount: 2 });

    await expectProblem(response, 400, 'invalid_request', 'amount');
    const read = (await (await fetch(`${server.url}/api/counters/${id}`)).json()) as {
      aggregate: number;
    };
    expect(read.aggregate).toBe(SHARD_LIMIT - 1);
  });

  it('should refuse an initial value past what its shards may hold, naming it', async () => {
    const response = await postJson(`${server.url}/api/counters`, {
      initialValue: Number.MAX_SAFE_INTEGER,
      shards: 4,
    });
    await expectProblem(response, 400, 'invalid_request', 'initialValue');
  });

  it('should keep the total exact where the old limits let it drift past 2^53', async () => {
    const { id } = (await (
      await postJson(`${server.url}/api/counters`, {
        initialValue: SHARD_LIMIT * 4,
        shards: 4,
        bounded: false,
      })
    ).json()) as { id: string };

    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        postJson(`${server.url}/api/counters/${id}/increment`, { amount: 2_000_000_000_000_000 }),
      ),
    );

    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(400));
    const read = (await (await fetch(`${server.url}/api/counters/${id}`)).json()) as {
      aggregate: number;
    };
    expect(read.aggregate).toBe(SHARD_LIMIT * 4);
  });
});

describe('counter ids', () => {
  it('should answer 404 for an unknown counter', async () => {
    const response = await fetch(`${server.url}/api/counters/00000000-0000-4000-8000-000000000000`);
    await expectProblem(response, 404, 'not_found');
  });

  it('should answer 404 for a decrement on an unknown counter', async () => {
    const response = await postJson(
      `${server.url}/api/counters/00000000-0000-4000-8000-000000000000/decrement`,
      { amount: 1 },
    );
    await expectProblem(response, 404, 'not_found');
  });

  it('should look up a hand-typed id that is UUID-shaped but not RFC 4122', async () => {
    const response = await fetch(`${server.url}/api/counters/11111111-2222-3333-4444-555555555555`);
    await expectProblem(response, 404, 'not_found');
  });

  it('should answer 400 naming id for a non-UUID id', async () => {
    const response = await fetch(`${server.url}/api/counters/not-a-uuid`);
    await expectProblem(response, 400, 'invalid_request', 'id');
  });

  it('should find a counter by its id in upper case', async () => {
    const response = await fetch(`${server.url}/api/counters/${counterId.toUpperCase()}`);
    expect(response.status).toBe(200);
  });
});

describe('split and merge', () => {
  it('should split and merge and answer the new shard list', async () => {
    const { id } = (await (
      await postJson(`${server.url}/api/counters`, { initialValue: 100, shards: 4 })
    ).json()) as { id: string };

    const split = (await (
      await postJson(`${server.url}/api/counters/${id}/split`, { count: 2 })
    ).json()) as {
      activeShards: number;
      aggregate: number;
    };
    const merged = (await (
      await postJson(`${server.url}/api/counters/${id}/merge`, { count: 5 })
    ).json()) as {
      activeShards: number;
      aggregate: number;
    };

    expect(split).toMatchObject({ activeShards: 6, aggregate: 100 });
    expect(merged).toMatchObject({ activeShards: 1, aggregate: 100 });
  });

  it('should refuse a merge that would leave no active shard', async () => {
    const response = await postJson(`${server.url}/api/counters/${counterId}/merge`, { count: 4 });
    await expectProblem(response, 400, 'invalid_request', 'count');
  });

  it('should refuse a split past 100 shards', async () => {
    const response = await postJson(`${server.url}/api/counters/${counterId}/split`, { count: 97 });
    await expectProblem(response, 400, 'invalid_request', 'count');
  });
});

describe('health', () => {
  it('should answer /healthz and /readyz with 200 on a working store', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('should answer 404 in the error shape for an unknown route', async () => {
    await expectProblem(await fetch(`${server.url}/api/nothing`), 404, 'not_found');
  });
});

describe('when the store goes away', () => {
  it('should answer 503 with Retry-After, keep /healthz up, and report it in /readyz', async () => {
    const emulator = await startEmbeddedEmulator();
    const remote = await startTestServer({
      COSMOS_ENDPOINT: emulator.endpoint,
      COSMOS_KEY: emulator.key,
    });
    try {
      const created = await postJson(`${remote.url}/api/counters`, { initialValue: 5, shards: 2 });
      const { id } = (await created.json()) as { id: string };

      await emulator.close();
      const response = await postJson(`${remote.url}/api/counters/${id}/decrement`, { amount: 1 });

      await expectProblem(response, 503, 'store_unavailable');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await fetch(`${remote.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${remote.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { cause: string }).cause).toMatch(/store/);
    } finally {
      await remote.close();
    }
  });

  it('should start and answer 503 when the store cannot be reached at all', async () => {
    const emulator = await startEmbeddedEmulator();
    const endpoint = emulator.endpoint;
    await emulator.close();
    const remote = await startTestServer({ COSMOS_ENDPOINT: endpoint, COSMOS_KEY: 'k' });
    try {
      const response = await postJson(`${remote.url}/api/counters`, { initialValue: 5, shards: 2 });
      await expectProblem(response, 503, 'store_unavailable');
      expect(response.headers.get('retry-after')).not.toBeNull();
      const ready = await fetch(`${remote.url}/readyz`);
      expect(ready.status).toBe(503);
    } finally {
      await remote.close();
    }
  });
});
