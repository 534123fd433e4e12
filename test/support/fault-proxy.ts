import {
  Agent,
  createServer,
  request,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP proxy on loopback, in front of the Cosmos emulator, that misbehaves on purpose.
 *
 * Per request it picks one fault by the configured shares (only for requests the `applies`
 * predicate selects), or lets a test's `onRequest` hook decide:
 *
 * - throttle: answer 429 with `x-ms-retry-after-ms`, as Cosmos does; nothing reaches the store;
 * - unavailable: answer 503; nothing reaches the store;
 * - drop: never answer and never forward; the client times out, nothing was applied;
 * - dropResponse: forward, let the store apply it, never answer: a true ambiguous outcome;
 * - reset: reset the connection before forwarding;
 * - resetAfter: forward, then reset the connection instead of answering (ambiguous too);
 * - delay: wait `latencyMs`, then forward.
 *
 * Only ever listens on and forwards to 127.0.0.1.
 */

export type Fault =
  'pass' | 'throttle' | 'unavailable' | 'drop' | 'dropResponse' | 'reset' | 'resetAfter' | 'delay';

export type FaultShares = Partial<Record<Exclude<Fault, 'pass'>, number>>;

export interface RequestInfo {
  /** 1-based, over all requests this proxy received. */
  seq: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The Cosmos partition key the request names, if any (x-ms-documentdb-partitionkey). */
  partitionKey: string | undefined;
}

/** What a hook may ask for: a fault, and something to run once the store has answered. */
export interface HookDecision {
  fault?: Fault;
  /** For the `delay` fault: this request's delay, instead of `latencyMs`. */
  delayMs?: number;
  /** Runs after the store answered a forwarded request, before the answer is passed on. */
  afterForward?: (status: number) => void | Promise<void>;
}

export interface FaultProxyOptions {
  /** Where to forward: must be a loopback http URL. */
  target: string;
  port?: number;
  shares?: FaultShares;
  /** Which requests the shares apply to; all by default. */
  applies?: (info: RequestInfo) => boolean;
  /** Sees every request first; a decision it answers overrides the shares. */
  onRequest?: (info: RequestInfo) => HookDecision | Fault | void;
  retryAfterMs?: number;
  /** Delay for the `delay` fault: a fixed time or a [min, max] range. */
  latencyMs?: number | [number, number];
  random?: () => number;
}

export interface FaultProxy {
  url: string;
  /** How many requests met each fault so far. */
  readonly counts: Readonly<Record<Fault, number>>;
  /** Replace the shares, e.g. `{}` for a quiet period. */
  setShares(shares: FaultShares): void;
  /** Requests forwarded or delayed and not finished yet. */
  readonly inFlight: number;
  /** Resolves when nothing is in flight to the store (or after `timeoutMs`, answering false). */
  idle(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

const FAULTS: Exclude<Fault, 'pass'>[] = [
  'throttle',
  'unavailable',
  'drop',
  'dropResponse',
  'reset',
  'resetAfter',
  'delay',
];

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade']);

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  if (target.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(target.hostname)) {
    throw new Error(`fault proxy forwards to loopback http only, not ${options.target}`);
  }

  const random = options.random ?? Math.random;
  const counts = Object.fromEntries(['pass', ...FAULTS].map((f) => [f, 0])) as Record<
    Fault,
    number
  >;
  let shares: FaultShares = options.shares ?? {};
  let seq = 0;
  let inFlight = 0;
  const idleWaiters: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });

  const settle = () => {
    inFlight--;
    if (inFlight === 0) for (const wake of idleWaiters.splice(0)) wake();
  };

  const pick = (info: RequestInfo): Fault => {
    if (options.applies !== undefined && !options.applies(info)) return 'pass';
    let r = random();
    for (const fault of FAULTS) {
      const share = shares[fault] ?? 0;
      if (r < share) return fault;
      r -= share;
    }
    return 'pass';
  };

  const forward = (info: RequestInfo, raw: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>(
      (resolve, reject) => {
        const headers = { ...info.headers };
        for (const name of HOP_BY_HOP) delete headers[name];
        headers['content-length'] = String(raw.length);
        const upstream = request(
          {
            host: target.hostname,
            port: target.port,
            method: info.method,
            path: info.path,
            headers,
            agent,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 502,
                headers: res.headers,
                body: Buffer.concat(chunks),
              }),
            );
            res.on('error', reject);
          },
        );
        upstream.on('error', reject);
        upstream.end(raw);
      },
    );

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const info: RequestInfo = {
        seq: ++seq,
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: raw.toString('utf8'),
        partitionKey: partitionKeyOf(req.headers),
      };
      void handle(info, raw, req.socket, res);
    });
  });

  async function handle(
    info: RequestInfo,
    raw: Buffer,
    socket: Socket,
    res: ServerResponse,
  ): Promise<void> {
    const hooked = options.onRequest?.(info);
    const decision: HookDecision = typeof hooked === 'string' ? { fault: hooked } : (hooked ?? {});
    const fault = decision.fault ?? pick(info);
    counts[fault]++;

    if (fault === 'throttle') {
      const ms = options.retryAfterMs ?? 50;
      reply(
        res,
        429,
        { 'x-ms-retry-after-ms': String(ms), 'x-ms-substatus': '3200' },
        {
          code: 'TooManyRequests',
          message: `Request rate is large (injected by the fault proxy). Retry after ${ms} ms.`,
        },
      );
      return;
    }
    if (fault === 'unavailable') {
      reply(
        res,
        503,
        {},
        {
          code: 'ServiceUnavailable',
          message: 'Service is currently unavailable (injected by the fault proxy).',
        },
      );
      return;
    }
    if (fault === 'drop') return; // the socket stays open, unanswered, until the client gives up
    if (fault === 'reset') {
      socket.resetAndDestroy();
      return;
    }

    inFlight++;
    try {
      if (fault === 'delay') await sleep(decision.delayMs ?? latency(options.latencyMs, random));
      let answer;
      try {
        answer = await forward(info, raw);
      } catch (error) {
        reply(res, 502, {}, { code: 'BadGateway', message: String(error) });
        return;
      }
      await decision.afterForward?.(answer.status);

      if (fault === 'dropResponse') return;
      if (fault === 'resetAfter') {
        socket.resetAndDestroy();
        return;
      }
      if (socket.destroyed) return;
      const headers = { ...answer.headers };
      for (const name of HOP_BY_HOP) delete headers[name];
      headers['content-length'] = String(answer.body.length);
      res.writeHead(answer.status, headers);
      res.end(answer.body);
    } finally {
      settle();
    }
  }

  // Longer than any client's idle keep-alive, so the proxy never closes a socket a client is
  // about to reuse: such races would add resets nobody asked for.
  server.keepAliveTimeout = 120_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    setShares: (next) => {
      shares = next;
    },
    get inFlight() {
      return inFlight;
    },
    idle: (timeoutMs = 30_000) =>
      new Promise<boolean>((resolve) => {
        if (inFlight === 0) return resolve(true);
        const timer = setTimeout(() => resolve(false), timeoutMs);
        idleWaiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

function reply(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: object,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

function partitionKeyOf(headers: IncomingHttpHeaders): string | undefined {
  const raw = headers['x-ms-documentdb-partitionkey'];
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) && typeof parsed[0] === 'string' ? parsed[0] : undefined;
  } catch {
    return undefined;
  }
}

function latency(setting: FaultProxyOptions['latencyMs'], random: () => number): number {
  if (setting === undefined) return 100;
  if (typeof setting === 'number') return setting;
  const [min, max] = setting;
  return min + random() * (max - min);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
