import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy, type FaultProxyOptions } from './fault-proxy.js';

interface Seen {
  method: string;
  path: string;
  body: string;
  partitionKey: string | undefined;
}

let upstream: Server;
let upstreamUrl: string;
let seen: Seen[] = [];
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const pk = req.headers['x-ms-documentdb-partitionkey'];
      seen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        body,
        partitionKey: typeof pk === 'string' ? pk : undefined,
      });
      res.writeHead(201, { 'content-type': 'application/json', 'x-upstream': 'yes' });
      res.end(JSON.stringify({ echoed: body }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

beforeEach(() => {
  seen = [];
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

async function proxy(options: Omit<FaultProxyOptions, 'target'>): Promise<FaultProxy> {
  const started = await startFaultProxy({ target: upstreamUrl, ...options });
  proxies.push(started);
  return started;
}

function post(url: string, body: string, timeoutMs = 2_000, headers: Record<string, string> = {}) {
  return fetch(`${url}/dbs/x/docs/1`, {
    method: 'POST',
    body,
    headers,
    signal: AbortSignal.timeout(timeoutMs),
  });
}

describe('fault proxy', () => {
  it('should pass requests through with method, path, body and answer intact', async () => {
    const p = await proxy({});

    const res = await post(p.url, 'hello', 2_000, { 'x-ms-documentdb-partitionkey': '["abc"]' });

    expect(res.status).toBe(201);
    expect(res.headers.get('x-upstream')).toBe('yes');
    expect(await res.json()).toEqual({ echoed: 'hello' });
    expect(seen).toEqual([
      { method: 'POST', path: '/dbs/x/docs/1', body: 'hello', partitionKey: '["abc"]' },
    ]);
    expect(p.counts.pass).toBe(1);
  });

  it('should answer 429 with x-ms-retry-after-ms and a Cosmos-style body, forwarding nothing', async () => {
    const p = await proxy({ shares: { throttle: 1 }, retryAfterMs: 123 });

    const res = await post(p.url, 'x');

    expect(res.status).toBe(429);
    expect(res.headers.get('x-ms-retry-after-ms')).toBe('123');
    expect(await res.json()).toMatchObject({ code: 'TooManyRequests' });
    expect(seen).toEqual([]);
  });

  it('should answer 503 without forwarding', async () => {
    const p = await proxy({ shares: { unavailable: 1 } });

    const res = await post(p.url, 'x');

    expect(res.status).toBe(503);
    expect(seen).toEqual([]);
  });

  it('should drop a request: never forwarded, never answered', async () => {
    const p = await proxy({ shares: { drop: 1 } });

    await expect(post(p.url, 'x', 300)).rejects.toThrow(/timeout|aborted/i);
    expect(seen).toEqual([]);
    expect(p.counts.drop).toBe(1);
  });

  it('should forward and then drop the answer: applied upstream, the client times out', async () => {
    const p = await proxy({ shares: { dropResponse: 1 } });

    await expect(post(p.url, 'x', 300)).rejects.toThrow(/timeout|aborted/i);
    expect(seen).toHaveLength(1);
  });

  it('should reset the connection before forwarding', async () => {
    const p = await proxy({ shares: { reset: 1 } });

    await expect(post(p.url, 'x')).rejects.toThrow();
    expect(seen).toEqual([]);
  });

  it('should reset the connection after forwarding', async () => {
    const p = await proxy({ shares: { resetAfter: 1 } });

    await expect(post(p.url, 'x')).rejects.toThrow();
    expect(seen).toHaveLength(1);
  });

  it('should add latency and then forward', async () => {
    const p = await proxy({ shares: { delay: 1 }, latencyMs: 200 });

    const started = performance.now();
    const res = await post(p.url, 'x');

    expect(res.status).toBe(201);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('should let a hook delay one request by its own time', async () => {
    const p = await proxy({
      latencyMs: 1,
      onRequest: (info) => (info.body === 'slow' ? { fault: 'delay', delayMs: 250 } : undefined),
    });

    const started = performance.now();
    await post(p.url, 'fast');
    const fast = performance.now() - started;
    await post(p.url, 'slow');

    expect(fast).toBeLessThan(200);
    expect(performance.now() - started - fast).toBeGreaterThanOrEqual(240);
  });

  it('should pick faults by their shares', async () => {
    const rolls = [0.05, 0.15, 0.25, 0.95];
    const p = await proxy({
      shares: { throttle: 0.1, unavailable: 0.1, delay: 0.1 },
      latencyMs: 1,
      random: () => rolls.shift() ?? 0.99,
    });

    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(p.url, 'x')).status);

    expect(statuses).toEqual([429, 503, 201, 201]);
    expect(p.counts).toMatchObject({ throttle: 1, unavailable: 1, delay: 1, pass: 1 });
  });

  it('should apply faults only to requests the predicate selects', async () => {
    const p = await proxy({
      shares: { unavailable: 1 },
      applies: (info) => info.body.includes('inbox'),
    });

    expect((await post(p.url, '{"path":"/amount"}')).status).toBe(201);
    expect((await post(p.url, '{"path":"/inbox/t1"}')).status).toBe(503);
  });

  it('should change shares at run time', async () => {
    const p = await proxy({ shares: { unavailable: 1 } });

    expect((await post(p.url, 'x')).status).toBe(503);
    p.setShares({});
    expect((await post(p.url, 'x')).status).toBe(201);
  });

  it('should let a hook act before forwarding at the n-th matching request', async () => {
    const events: string[] = [];
    let matching = 0;
    const p = await proxy({
      onRequest: (info) => {
        if (!info.body.includes('target')) return undefined;
        matching++;
        if (matching !== 2) return undefined;
        events.push(`before ${info.seq} pk=${info.partitionKey}`);
        return 'drop';
      },
    });

    await post(p.url, 'other');
    await post(p.url, 'target 1');
    await expect(
      post(p.url, 'target 2', 300, { 'x-ms-documentdb-partitionkey': '["c1"]' }),
    ).rejects.toThrow();
    await post(p.url, 'target 3');

    expect(events).toEqual(['before 3 pk=c1']);
    expect(seen.map((s) => s.body)).toEqual(['other', 'target 1', 'target 3']);
  });

  it('should let a hook act after the store answered, before the client hears', async () => {
    const events: string[] = [];
    const p = await proxy({
      onRequest: () => ({
        fault: 'dropResponse',
        afterForward: (status) => {
          events.push(`after ${status}, upstream saw ${seen.length}`);
        },
      }),
    });

    await expect(post(p.url, 'x', 300)).rejects.toThrow();

    expect(events).toEqual(['after 201, upstream saw 1']);
  });

  it('should report when nothing is in flight', async () => {
    const p = await proxy({ shares: { delay: 1 }, latencyMs: 150 });

    const pending = post(p.url, 'x');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(p.inFlight).toBe(1);
    expect(await p.idle(1_000)).toBe(true);
    expect(p.inFlight).toBe(0);
    await pending;
  });

  it('should refuse a target that is not loopback', async () => {
    await expect(startFaultProxy({ target: 'http://example.com' })).rejects.toThrow(/loopback/);
  });
});
