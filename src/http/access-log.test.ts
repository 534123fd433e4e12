import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { logRequests } from './access-log.js';

/** A logger whose lines land in an array, parsed. */
function memoryLogger(level: string) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level }, sink), lines };
}

let server: Server | undefined;

async function serveWith(level: string) {
  const memory = memoryLogger(level);
  server = createServer((request, response) => {
    response.statusCode = request.url?.startsWith('/missing') ? 404 : 200;
    response.end('ok');
  });
  logRequests(server, memory.log);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { ...memory, url: `http://127.0.0.1:${port}` };
}

afterEach(async () => {
  await new Promise<void>((resolve) =>
    server === undefined ? resolve() : server.close(() => resolve()),
  );
  server = undefined;
});

describe('logRequests', () => {
  it('should write one line per request with method, path without query, status and time', async () => {
    const { lines, url } = await serveWith('info');

    await (await fetch(`${url}/api/counters?secret=1`)).text();
    await (await fetch(`${url}/missing`, { method: 'POST', body: 'x' })).text();
    await expect.poll(() => lines.length).toBe(2);

    expect(lines[0]).toMatchObject({
      msg: 'request',
      method: 'GET',
      path: '/api/counters',
      status: 200,
    });
    expect(lines[1]).toMatchObject({
      msg: 'request',
      method: 'POST',
      path: '/missing',
      status: 404,
    });
    expect(typeof lines[0]?.ms).toBe('number');
  });

  it('should log the path of a request that names a full URL, not the host it names', async () => {
    const { lines, url } = await serveWith('info');
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.end('GET http://elsewhere.example/api/x?y=1 HTTP/1.1\r\nHost: a\r\n\r\n');
    socket.resume();

    await expect.poll(() => lines.length).toBe(1);
    expect(lines[0]).toMatchObject({ path: '/api/x', status: 200 });
  });

  it('should log no status for a client that left before anything was sent', async () => {
    const memory = memoryLogger('info');
    server = createServer((request) => request.socket.destroy());
    logRequests(server, memory.log);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
    await expect.poll(() => memory.lines.length).toBe(1);

    expect(memory.lines[0]).toMatchObject({ path: '/', aborted: true });
    expect(memory.lines[0]).not.toHaveProperty('status');
  });

  it('should not listen at all when info lines are dropped', async () => {
    const { lines, url } = await serveWith('warn');

    await (await fetch(`${url}/`)).text();

    expect(server?.listenerCount('request')).toBe(1);
    expect(lines).toEqual([]);
  });
});
