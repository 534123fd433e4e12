import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { CounterService } from '../counter/model.js';
import type { Logger } from '../logger.js';
import { apiRoutes } from './api.js';
import { BadRequest, BodyAborted, PayloadTooLarge, UnsupportedMediaType } from './body.js';
import { healthRoutes, type Readiness } from './health.js';
import { problemOf, problemResponse } from './problem.js';

export interface AppDeps {
  counters: CounterService;
  readiness: () => Promise<Readiness>;
  log: Logger;
  /** Dashboard pages, mounted at the root. */
  web?: Hono;
}

/** Builds the whole HTTP app from its dependencies; the process entry only listens. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  // No app-wide middleware: each layer costs every update. Bodies are checked where they are
  // read (body.ts); requests are logged by the Node server (access-log.ts).
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
    if (error instanceof BodyAborted) {
      deps.log.debug({ method: c.req.method, path: c.req.path }, error.message);
      return problemResponse(c, { status: 400, code: 'incomplete_body', message: error.message });
    }
    if (error instanceof PayloadTooLarge) {
      return problemResponse(c, { status: 413, code: 'too_large', message: error.message });
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
