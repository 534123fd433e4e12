import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../src/server.js';

/** The whole product on a free loopback port; no COSMOS_ENDPOINT means the embedded emulator. */
export function startTestServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', ...env });
  return startServer(config, createLogger('silent'));
}

export async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
