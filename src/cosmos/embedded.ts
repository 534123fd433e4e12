import type { AddressInfo } from 'node:net';
import { createHttpServer } from '@vercel/cosmosdb-server';

/**
 * The Cosmos-compatible emulator that runs in this process when no account is configured.
 * It listens on loopback only, over plain HTTP, and keeps everything in memory.
 */
export interface EmbeddedEmulator {
  endpoint: string;
  /** Any key works; the client library insists on one. */
  key: string;
  close(): Promise<void>;
}

export async function startEmbeddedEmulator(port = 0): Promise<EmbeddedEmulator> {
  // Keep-alive: otherwise every store request opens a new TCP connection to the emulator.
  const server = createHttpServer({ keepAlive: true });
  // Longer than the client keeps an idle socket, so it never writes to one the server just closed.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });

  const { port: bound } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    key: 'embedded-emulator-key',
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
