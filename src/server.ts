import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Config } from './config.js';
import { StoreConnection } from './cosmos/connection.js';
import { startKeySweeper, type KeySweeper } from './cosmos/key-sweeper.js';
import type { Store } from './cosmos/store.js';
import type { CounterService } from './counter/model.js';
import { createCounterService, type CounterServiceOptions } from './counter/service.js';
import { translateStoreError } from './counter/store-errors.js';
import { logRequests } from './http/access-log.js';
import { createApp } from './http/app.js';
import type { Readiness } from './http/health.js';
import type { Logger } from './logger.js';
import { webRoutes } from './web/routes.js';

export interface RunningServer {
  url: string;
  connection: StoreConnection;
  /** The store, once connected (always, for the embedded one). */
  readonly store: Store;
  /** Stop taking connections, let requests in flight finish, then let go of the store. */
  close(): Promise<void>;
}

/** Wires config → store → counter core → HTTP app, and listens. */
export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const connection = new StoreConnection(config.store, log);
  await connection.start();

  const counters = counterServiceOn(connection, log, {
    leaseTtlMs: config.leaseTtlMs,
    requestTimeoutMs: config.store.requestTimeoutMs,
    idempotencyRetentionSeconds: config.idempotencyRetentionSeconds,
    maxBusyShards: config.groupCommit ? undefined : 0,
  });
  let sweeper: KeySweeper | undefined;
  connection.onReady((store) => {
    if (store.kind === 'embedded') {
      sweeper = startKeySweeper(store.keys, config.idempotencyRetentionSeconds, log);
    }
  });
  const app = createApp({
    counters,
    readiness: () => readiness(connection),
    log,
    web: webRoutes({
      counters,
      storeDescription: describeStore(connection, config),
      embedded: config.store.kind === 'embedded',
    }),
  });

  const server = await listen(app.fetch, config.port, config.host);
  logRequests(server, log);
  const { port } = server.address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;

  return {
    url: `http://${shownHost}:${port}`,
    connection,
    get store() {
      return connection.require();
    },
    close: async () => {
      sweeper?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await connection.close();
    },
  };
}

/** The counter core on whatever store is connected; a 503-mapped error until one is. */
function counterServiceOn(
  connection: StoreConnection,
  log: Logger,
  options: CounterServiceOptions,
): CounterService {
  let service: CounterService | undefined;
  connection.onReady((store) => {
    const created = createCounterService(store.container, {
      ...options,
      keysContainer: store.keys,
      log,
    });
    service = created;
    created.resumeInterrupted().then(
      (counters) => {
        if (counters > 0)
          log.info({ counters }, 'start-up: counters with interrupted merges looked at');
      },
      (error: unknown) => log.warn({ err: error }, 'start-up: could not resume interrupted merges'),
    );
  });
  const current = (): CounterService => {
    connection.require();
    if (service === undefined) throw new Error('store connected but counter service missing');
    return service;
  };
  return {
    create: (input) => current().create(input),
    get: (id) => current().get(id),
    apply: (id, delta, key) => current().apply(id, delta, key),
    split: (id, count) => current().split(id, count),
    merge: (id, count) => current().merge(id, count),
    writeStats: () =>
      service?.writeStats() ?? { patches: 0, updates: 0, meanBatch: 0, maxBatch: 0 },
    resumeInterrupted: () => current().resumeInterrupted(),
  };
}

const PROBE_TIMEOUT_MS = 3_000;

async function readiness(connection: StoreConnection): Promise<Readiness> {
  const status = connection.status;
  if (status.state === 'closed') return { ready: false, cause: 'shutting down' };
  if (status.state === 'connecting') return { ready: false, cause: status.cause };

  try {
    await status.store.container.read({ abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return { ready: true, store: status.store.description };
  } catch (error) {
    const failure = translateStoreError(error, 'read');
    return { ready: false, cause: `the store did not answer: ${failure.message}` };
  }
}

function describeStore(connection: StoreConnection, config: Config): string {
  const status = connection.status;
  if (status.state === 'ready') return status.store.description;
  return config.store.kind === 'embedded'
    ? 'embedded emulator'
    : `Cosmos DB at ${config.store.endpoint}`;
}

function listen(fetch: Parameters<typeof serve>[0]['fetch'], port: number, hostname: string) {
  return new Promise<Server>((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server as Server));
    server.once('error', reject);
  });
}
