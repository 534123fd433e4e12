import { Hono } from 'hono';
import { z } from 'zod';
import type { CounterService } from '../counter/model.js';
import { parseBody, validate } from './body.js';
import { IDEMPOTENCY_HEADER } from './problem.js';
import {
  amountBody,
  countBody,
  counterId,
  createCounterBody,
  idempotencyKeySchema,
} from './schemas.js';

/** The JSON API under /api. Each route: parse, call the counter core, answer. */
export function apiRoutes(counters: CounterService): Hono {
  const api = new Hono();

  // No middleware: every layer costs each update, the hot path. Routes that take a body read
  // it with parseBody, which holds the rules for bodies (JSON only, size limit).
  api.post('/counters', async (c) => {
    const body = await parseBody(c, createCounterBody);
    const created = await counters.create(body);
    c.header('Location', `/api/counters/${created.id}`);
    return c.json(created, 201);
  });

  api.get('/counters/:id', async (c) => {
    const id = idParam(c.req.param('id'));
    return c.json(await counters.get(id));
  });

  for (const [route, sign] of [
    ['increment', 1],
    ['decrement', -1],
  ] as const) {
    api.post(`/counters/:id/${route}`, async (c) => {
      const id = idParam(c.req.param('id'));
      const key = idempotencyKey(c.req.header(IDEMPOTENCY_HEADER));
      const { amount } = await parseBody(c, amountBody);

      const { replayed, ...result } = await counters.apply(id, sign * amount, key);

      // A retry gets the first answer's body; only this header tells it apart.
      if (replayed === true) c.header('Idempotent-Replayed', 'true');
      return c.json(result);
    });
  }

  api.post('/counters/:id/split', async (c) => {
    const id = idParam(c.req.param('id'));
    const { count } = await parseBody(c, countBody);
    return c.json(await counters.split(id, count));
  });

  api.post('/counters/:id/merge', async (c) => {
    const id = idParam(c.req.param('id'));
    const { count } = await parseBody(c, countBody);
    return c.json(await counters.merge(id, count));
  });

  api.get('/metrics', (c) => c.json({ writes: counters.writeStats() }));

  return api;
}

/** Counter IDs are UUIDs, stored lower case; `ABC…` and `abc…` name the same counter. */
export function idParam(raw: string): string {
  return validate(idSchema, { id: raw }).id.toLowerCase();
}

const idSchema = z.object({ id: counterId });

const keySchema = z.object({ [IDEMPOTENCY_HEADER]: idempotencyKeySchema.optional() });

function idempotencyKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  return validate(keySchema, { [IDEMPOTENCY_HEADER]: raw })[IDEMPOTENCY_HEADER];
}
