import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';

/**
 * One `request` line per answered request, at info level: method, path, status, milliseconds.
 *
 * Kept at the Node server rather than in the app, where it would be a middleware layer wrapped
 * around every update; and not attached at all when info lines would be dropped anyway.
 */
export function logRequests(server: Server, log: Logger): void {
  if (!log.isLevelEnabled('info')) return;
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const started = performance.now();
    response.once('close', () => {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const line = {
        method: request.method,
        path: pathOf(request.url),
        status: response.statusCode,
        ms,
      };
      if (response.writableFinished) {
        log.info(line, 'request');
      } else {
        // Nothing was sent when the headers were not: Node's default 200 would be a lie.
        const status = response.headersSent ? response.statusCode : undefined;
        log.info({ ...line, status, aborted: true }, 'request: the client left before the answer');
      }
    });
  });
}

/** The path as routed, without the query; a request may name a full URL (`POST http://host/x`). */
function pathOf(target = '/'): string {
  try {
    return new URL(target, 'http://localhost').pathname;
  } catch {
    // Unparseable targets are logged as sent, query cut, rather than lost.
    return target.split('?', 1)[0] ?? target;
  }
}
