import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { CounterService } from '../counter/model.js';
import type { Logger } from '../logger.js';
import { apiRoutes } from './api.js';
import { BadRequest, UnsupportedMediaType } from './body.js';
import { healthRoutes, type Readiness } from './health.js';
import { problemOf, problemResponse } from './problem.js';

export interface AppDeps {
  counters: CounterService;
  readiness: () => Promise<Readiness>;
  log: Logger;
  /** Dashboard pages, mounted at the root. */
  web?: Hono;
}

/** Request bodies are tiny JSON objects or forms; anything larger is refused with 413. */
export const BODY_LIMIT_BYTES = 4 * 1024;

/**
 * 413 for bodies over `maxBytes`. A declared Content-Length is checked before anything is read
 * (Node's parser holds the body to that length); only a body of unknown length (chunked) goes
 * through Hono's streaming limit, which costs a copy of the request and is too slow to run on
 * every update (it cut the API's throughput by three quarters).
 */
function limitBody(maxBytes: number): MiddlewareHandler {
  const tooLarge = (c: Context) =>
    problemResponse(c, {
      status: 413,
      code: 'too_large',
      message: `the request body is larger than ${maxBytes} bytes`,
    });
  const streaming = bodyLimit({ maxSize: maxBytes, onError: tooLarge });

  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const declared = c.req.header('content-length');
    if (declared === undefined) return streaming(c, next);
    if (Number(declared) > maxBytes) return tooLarge(c);
    return next();
  };
}

/** Builds the whole HTTP app from its dependencies; the process entry only listens. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const ms = Math.round((performance.now() - started) * 10) / 10;
    deps.log.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms }, 'request');
  });

  app.use(limitBody(BODY_LIMIT_BYTES));

  app.route('/', healthRoutes(deps.readiness));
  app.route('/api', apiRoutes(deps.counters));
  if (deps.web !== undefined) app.route('/', deps.web);

  app.notFound((c) =>
    problemResponse(c, {
      status: 404,
      code: 'not_found',
      message: `no route for ${c.req.method} ${c.req.path}`,
    }),
  );

  app.onError((error, c) => {
    if (error instanceof BadRequest) {
      return problemResponse(c, {
        status: 400,
        code: error.code,
        message: error.message,
        field: error.field,
      });
    }
    if (error instanceof UnsupportedMediaType) {
      return problemResponse(c, {
        status: 415,
        code: 'unsupported_media_type',
        message: error.message,
      });
    }
    if (error instanceof HTTPException) {
      return problemResponse(c, {
        status: error.status,
        code: 'http_error',
        message: error.message,
      });
    }
    const problem = problemOf(error);
    if (problem !== undefined && problem.status !== 500) return problemResponse(c, problem);

    deps.log.error({ err: error, method: c.req.method, path: c.req.path }, 'unexpected error');
    return problemResponse(c, { status: 500, code: 'internal', message: 'internal error' });
  });

  return app;
}
