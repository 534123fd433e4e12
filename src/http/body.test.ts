import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { CounterService } from '../counter/model.js';
import { createApp } from './app.js';
import { webRoutes } from '../web/routes.js';

/** Records what reaches the counter core; bodies that fail to arrive must reach nothing. */
function setup() {
  const applied: number[] = [];
  const logged: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(JSON.parse(chunk.toString('utf8')) as { level: number; msg: string });
      done();
    },
  });
  const counters = {
    apply: (counterId: string, delta: number) => {
      applied.push(delta);
      return Promise.resolve({ counterId, delta, shardId: 's' });
    },
    create: () => Promise.reject(new Error('not in these tests')),
  } as unknown as CounterService;
  const app = createApp({
    counters,
    readiness: () => Promise.resolve({ ready: true, store: 'test' }),
    log: pino({ level: 'debug' }, sink),
    web: webRoutes({ counters, storeDescription: 'test', embedded: true }),
  });
  return { app, applied, logged };
}

const ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const encode = (text: string) => new TextEncoder().encode(text);

/** A body whose sender goes away after `sent`. */
function abandoned(sent: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(encode(sent));
      controller.error(new Error('aborted'));
    },
  });
}

describe('request bodies', () => {
  it.each([
    ['of unknown length', {}],
    ['of declared length', { 'content-length': '12' }],
  ])(
    'should treat a body %s cut off by the client as no request, and not as an error',
    async (_, headers) => {
      const t = setup();
      const response = await t.app.request(`/api/counters/${ID}/increment`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: abandoned('{"amou'),
        duplex: 'half',
      } as RequestInit);

      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'incomplete_body',
      );
      expect(t.applied).toEqual([]);
      expect(t.logged.filter((line) => line.level >= 40)).toEqual([]);
    },
  );

  it('should read a byte-order mark the same whether the length is declared or not', async () => {
    const t = setup();
    const body = '\uFEFF{"amount":2}';
    const send = (headers: Record<string, string>, payload: string | ReadableStream<Uint8Array>) =>
      t.app.request(`/api/counters/${ID}/increment`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: payload,
        duplex: 'half',
      } as RequestInit);

    const declared = await send({ 'content-length': String(encode(body).length) }, body);
    const streamed = await send(
      {},
      new ReadableStream({
        start(controller) {
          controller.enqueue(encode(body));
          controller.close();
        },
      }),
    );

    expect([declared.status, streamed.status]).toEqual([200, 200]);
    expect(t.applied).toEqual([2, 2]);
  });

  // The guard (Hono's csrf) checks the Origin of what it recognises as a form: the reader must
  // never take as a form what the guard did not recognise.
  it.each([
    ['\u00a0application/x-www-form-urlencoded', 415],
    ['application/x-www-form-urlencoded\u00a0', 403],
  ])('should refuse a form sent as %j without an Origin (%i)', async (type, status) => {
    const t = setup();
    const response = await t.app.request('/counters', {
      method: 'POST',
      headers: { 'content-type': type },
      body: 'initialValue=7&shards=1',
    });

    expect(response.status).toBe(status);
  });
});
