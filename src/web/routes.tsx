import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { CounterService } from '../counter/model.js';
import { parseForm } from '../http/body.js';
import { counterId as counterIdSchema } from '../http/schemas.js';
import { CounterPage, NoticeArea, type Notice } from './counter-page.js';
import { createFormValues, describeErrors, parseCountForm, parseCreateForm } from './forms.js';
import { ShardHistory } from './history.js';
import type { PageContext } from './layout.js';
import { LivePanel, liveView, type LiveView } from './live-panel.js';
import { StartPage } from './start-page.js';
import { staticAssets } from './static.js';
import { webFailure } from './web-errors.js';

export interface WebDeps {
  counters: CounterService;
  /** Where the data lives, shown on the start page. */
  storeDescription: string;
  /** True for the in-process emulator: the pages then say data is lost on restart. */
  embedded: boolean;
  /** Defaults to a fresh history; tests pass one with their own clock. */
  history?: ShardHistory;
}

type Loaded = { view: LiveView } | { status: ContentfulStatusCode; problem: string; gone: boolean };

/**
 * The dashboard: full pages for GET, fragments for htmx requests, and plain form posts that
 * work without JavaScript. Mount at `/`; the JSON API lives under `/api`.
 *
 * @example
 * app.route('/', webRoutes({ counters, storeDescription: store.description, embedded: true }));
 */
export function webRoutes(deps: WebDeps): Hono {
  const { counters } = deps;
  const history = deps.history ?? new ShardHistory();
  const assets = staticAssets();
  const ctx: PageContext = {
    assets: assets.urls,
    storeDescription: deps.storeDescription,
    embedded: deps.embedded,
  };
  const forgotten = deps.embedded
    ? ' The embedded emulator forgets every counter when the server restarts.'
    : '';

  const load = async (id: string): Promise<Loaded> => {
    try {
      return { view: liveView(history, await counters.get(id)) };
    } catch (error) {
      const failure = webFailure(error, forgotten);
      return { status: failure.status, problem: failure.message, gone: failure.status === 404 };
    }
  };

  const app = new Hono();
  app.route('/', assets.routes);
  app.use('/counters', sameOrigin());
  app.use('/counters/*', sameOrigin());

  app.get('/', (c) => c.html(<StartPage ctx={ctx} />));

  app.post('/counters', async (c) => {
    const values = createFormValues(await parseForm(c));
    const input = parseCreateForm(values);
    if (!input.ok)
      return c.html(<StartPage ctx={ctx} create={values} createErrors={input.errors} />, 400);

    try {
      const counter = await counters.create(input.value);
      return c.redirect(`/counters/${counter.id}`, 303);
    } catch (error) {
      const failure = webFailure(error, forgotten);
      const errors = { form: failure.message };
      return c.html(<StartPage ctx={ctx} create={values} createErrors={errors} />, failure.status);
    }
  });

  app.get('/open', async (c) => {
    const id = (c.req.query('id') ?? '').trim().toLowerCase();
    const problem = unknownIdMessage(id);
    if (problem !== undefined) {
      return c.html(<StartPage ctx={ctx} openId={id} openError={problem} />, 404);
    }

    try {
      await counters.get(id);
      return c.redirect(`/counters/${id}`, 303);
    } catch (error) {
      const failure = webFailure(error, forgotten);
      return c.html(
        <StartPage ctx={ctx} openId={id} openError={failure.message} />,
        failure.status,
      );
    }
  });

  app.get('/counters/:id', async (c) => {
    const id = c.req.param('id').toLowerCase();
    const problem = unknownIdMessage(id);
    if (problem !== undefined)
      return c.html(<StartPage ctx={ctx} openId={id} openError={problem} />, 404);

    const loaded = await load(id);
    if (!('view' in loaded)) {
      return c.html(<StartPage ctx={ctx} openId={id} openError={loaded.problem} />, loaded.status);
    }
    return c.html(<CounterPage ctx={ctx} view={loaded.view} />);
  });

  app.get('/counters/:id/live', async (c) => {
    const id = c.req.param('id').toLowerCase();
    const loaded = unknownIdMessage(id) === undefined ? await load(id) : notACounter(id);
    return c.html(<Live id={id} loaded={loaded} />, 'view' in loaded ? 200 : loaded.status);
  });

  for (const op of ['split', 'merge'] as const) {
    app.post(`/counters/:id/${op}`, async (c) => {
      const id = c.req.param('id').toLowerCase();
      if (unknownIdMessage(id) !== undefined) return answer(c, id, notACounter(id));

      const count = parseCountForm(await parseForm(c));
      if (!count.ok) return answer(c, id, await load(id), error(describeErrors(count.errors)), 400);

      try {
        const counter = await counters[op](id, count.value);
        if (!isHtmx(c)) return c.redirect(`/counters/${id}`, 303);
        const done = `${op === 'split' ? 'Split' : 'Merge'} done: ${counter.activeShards} active shards.`;
        return answer(c, id, { view: liveView(history, counter) }, { kind: 'ok', text: done });
      } catch (caught) {
        const failure = webFailure(caught, forgotten);
        return answer(c, id, await load(id), error(failure.message), failure.status);
      }
    });
  }

  /** After a split or merge: the live panel and the notice for htmx, the whole page otherwise. */
  function answer(
    c: Context,
    id: string,
    loaded: Loaded,
    notice?: Notice,
    status?: ContentfulStatusCode,
  ) {
    const code = status ?? ('view' in loaded ? 200 : loaded.status);
    if (isHtmx(c)) {
      return c.html(
        <>
          <Live id={id} loaded={loaded} />
          <NoticeArea notice={notice} oob />
        </>,
        code,
      );
    }
    if (!('view' in loaded)) {
      return c.html(<StartPage ctx={ctx} openId={id} openError={loaded.problem} />, code);
    }
    return c.html(<CounterPage ctx={ctx} view={loaded.view} notice={notice} />, code);
  }

  return app;
}

function Live(props: { id: string; loaded: Loaded }) {
  const { loaded } = props;
  if ('view' in loaded) return <LivePanel counterId={props.id} view={loaded.view} />;
  return <LivePanel counterId={props.id} problem={loaded.problem} gone={loaded.gone} />;
}

/** Why `id` cannot name a counter, or undefined when it is a well-formed ID. */
function unknownIdMessage(id: string): string | undefined {
  if (id === '') return 'Enter a counter ID: it looks like 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b.';
  if (!counterIdSchema.safeParse(id).success) {
    return `“${id}” is not a counter ID: IDs are UUIDs such as 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b.`;
  }
  return undefined;
}

function notACounter(id: string): Loaded {
  return { status: 404, problem: unknownIdMessage(id) ?? '', gone: true };
}

function error(text: string): Notice {
  return { kind: 'error', text };
}

function isHtmx(c: Context): boolean {
  return c.req.header('HX-Request') === 'true';
}

/**
 * Refuses form posts from other sites (a page elsewhere cannot split your counters), answering
 * 403 here rather than leaving the exception to the app's error handler.
 */
function sameOrigin(): MiddlewareHandler {
  const guard = csrf();
  return async (c, next) => {
    try {
      await guard(c, next);
    } catch (caught) {
      if (caught instanceof HTTPException && caught.status === 403) {
        return c.text(
          'Forbidden: dashboard forms are accepted only from the dashboard itself ' +
            '(the Origin header must name this server).',
          403,
        );
      }
      throw caught;
    }
  };
}
