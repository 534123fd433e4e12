import { Hono } from 'hono';

export type Readiness = { ready: true; store: string } | { ready: false; cause: string };

/**
 * /healthz says the process serves (the platform restarts it otherwise); /readyz says whether
 * the store answers, so a missing role shows as "not ready, because …" rather than a restart loop.
 */
export function healthRoutes(readiness: () => Promise<Readiness>): Hono {
  const health = new Hono();

  health.get('/healthz', (c) => c.json({ status: 'ok' }));

  health.get('/readyz', async (c) => {
    const state = await readiness();
    if (state.ready) return c.json({ status: 'ready', store: state.store });
    c.header('Retry-After', '5');
    return c.json({ status: 'not_ready', cause: state.cause }, 503);
  });

  return health;
}
