import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Container } from '@azure/cosmos';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { loadConfig } from '../src/config.js';
import { statusOf } from '../src/cosmos/status.js';
import { openStore } from '../src/cosmos/store.js';
import type { Logger } from '../src/logger.js';
import { startServer } from '../src/server.js';
import { INITIAL_VALUE, SHARDS, type Scenario } from './scenarios.js';

/** A running thing to measure: where to send `POST { amount: 1 }`, and what it has counted. */
export interface Target {
  url: string;
  /** Optimistic-concurrency retries (412 answers) so far; 0 where there are none. */
  retries(): number;
  /** The count now, read the way a user would (for `distributed`, through its own API). */
  value(): Promise<number>;
  close(): Promise<void>;
}

const MAX_OCC_ATTEMPTS = 100;

export async function startTarget(scenario: Scenario, log: Logger): Promise<Target> {
  switch (scenario) {
    case 'http-ceiling':
      return httpCeiling();
    case 'single-doc-occ':
      return singleDocument(log, occDecrement);
    case 'single-doc-patch':
      return singleDocument(log, patchDecrement);
    case 'distributed':
      return distributed(log, 'on');
    case 'distributed-unbatched':
      return distributed(log, 'off');
  }
}

/** The most the HTTP stack can do here: parse the body, subtract in memory, answer JSON. */
async function httpCeiling(): Promise<Target> {
  let value = INITIAL_VALUE;
  const app = new Hono().post('/decrement', async (c) => {
    const amount = amountOf(await c.req.json());
    if (amount === undefined) return c.json({ error: { code: 'invalid_request' } }, 400);
    if (value < amount) return c.json({ error: { code: 'insufficient' } }, 409);
    value -= amount;
    return c.json({ delta: -amount });
  });

  const server = await listen(app);
  return {
    url: `${urlOf(server)}/decrement`,
    retries: () => 0,
    value: () => Promise.resolve(value),
    close: () => closeServer(server),
  };
}

type Decrement = (container: Container, amount: number, onRetry: () => void) => Promise<Answer>;
type Answer = 'applied' | 'insufficient' | 'contended';

const DOC = { id: 'bench-counter', pk: 'bench-counter' };

/** One counter document on the embedded emulator, the way people write it without shards. */
async function singleDocument(log: Logger, decrement: Decrement): Promise<Target> {
  const config = loadConfig({ LOG_LEVEL: 'error', COSMOS_DATABASE: 'BenchDB' });
  const store = await openStore(config.store, log);
  await store.container.items.upsert({ ...DOC, type: 'counter', amount: INITIAL_VALUE });

  let retries = 0;
  const app = new Hono();
  // A store that times out under load is part of what is measured: answer 503, do not log.
  app.onError((_error, c) => c.json({ error: { code: 'store_error' } }, 503));
  app.post('/decrement', async (c) => {
    const amount = amountOf(await c.req.json());
    if (amount === undefined) return c.json({ error: { code: 'invalid_request' } }, 400);
    const answer = await decrement(store.container, amount, () => (retries += 1));
    if (answer === 'insufficient') return c.json({ error: { code: 'insufficient' } }, 409);
    if (answer === 'contended') return c.json({ error: { code: 'contended' } }, 503);
    return c.json({ delta: -amount });
  });

  const server = await listen(app);
  return {
    url: `${urlOf(server)}/decrement`,
    retries: () => retries,
    value: async () => {
      const { resource } = await store.container.item(DOC.id, DOC.pk).read<{ amount: number }>();
      if (resource === undefined) throw new Error('the benchmark document disappeared');
      return resource.amount;
    },
    close: async () => {
      await closeServer(server);
      await store.close();
    },
  };
}

/** Read, then replace only if nobody wrote in between (If-Match on the ETag); on 412, again. */
const occDecrement: Decrement = async (container, amount, onRetry) => {
  const item = container.item(DOC.id, DOC.pk);
  for (let attempt = 1; attempt <= MAX_OCC_ATTEMPTS; attempt++) {
    const { resource, etag } = await item.read<{ amount: number }>();
    if (resource === undefined || etag === undefined) throw new Error('benchmark document missing');
    if (resource.amount < amount) return 'insufficient';
    try {
      await item.replace(
        { ...resource, amount: resource.amount - amount },
        { accessCondition: { type: 'IfMatch', condition: etag } },
      );
      return 'applied';
    } catch (error) {
      if (statusOf(error) !== 412) throw error;
      onRetry();
    }
  }
  return 'contended';
};

/** One `incr` patch whose filter refuses to go below zero. */
const patchDecrement: Decrement = async (container, amount) => {
  try {
    await container.item(DOC.id, DOC.pk).patch({
      operations: [{ op: 'incr', path: '/amount', value: -amount }],
      condition: `from c where c.amount >= ${amount}`,
    });
    return 'applied';
  } catch (error) {
    if (statusOf(error) === 412) return 'insufficient';
    throw error;
  }
};

/**
 * The product itself, started the way `npm start` starts it, on its own embedded emulator;
 * with group commit off, every update is a patch of its own (the product before batching).
 */
async function distributed(log: Logger, groupCommit: 'on' | 'off'): Promise<Target> {
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'error', GROUP_COMMIT: groupCommit });
  const server = await startServer(config, log);
  const created = await fetch(`${server.url}/api/counters`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'bench',
      initialValue: INITIAL_VALUE,
      shards: SHARDS,
      bounded: true,
    }),
  });
  const { id } = (await created.json()) as { id: string };
  if (created.status !== 201)
    throw new Error(`creating the bench counter answered ${created.status}`);

  return {
    url: `${server.url}/api/counters/${id}/decrement`,
    retries: () => 0,
    value: async () => {
      const response = await fetch(`${server.url}/api/counters/${id}`);
      const view = (await response.json()) as { aggregate: number };
      if (response.status !== 200)
        throw new Error(`reading the bench counter answered ${response.status}`);
      return view.aggregate;
    },
    close: () => server.close(),
  };
}

function amountOf(body: unknown): number | undefined {
  const amount =
    typeof body === 'object' && body !== null && 'amount' in body ? body.amount : undefined;
  return typeof amount === 'number' && Number.isSafeInteger(amount) && amount > 0
    ? amount
    : undefined;
}

function listen(app: Hono): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(server as Server),
    );
    server.once('error', reject);
  });
}

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
