import type { Child } from 'hono/jsx';
import { CREATE_DEFAULTS, type CreateFormValues } from './forms.js';
import { Layout, type PageContext } from './layout.js';

export interface StartPageProps {
  ctx: PageContext;
  create?: CreateFormValues;
  createErrors?: Record<string, string>;
  openId?: string;
  openError?: string;
}

/** The start page: create a counter, or open one by its ID. Plain forms; no script needed. */
export function StartPage(props: StartPageProps) {
  const values = props.create ?? CREATE_DEFAULTS;
  const errors = props.createErrors ?? {};
  const { ctx } = props;

  return (
    <Layout ctx={ctx} title="Start">
      <h1>Distributed counter</h1>
      <p class="lead">
        One logical counter stored as many shard documents, so concurrent writers do not fight over
        one hot document. Create one, then drive it with <code>npm run consumer</code> or the API.
      </p>
      {ctx.embedded && (
        <p class="notice info" data-testid="memory-warning">
          Counters live in memory in the embedded emulator and are lost when the server restarts.
          Set <code>COSMOS_ENDPOINT</code> to keep them in an Azure Cosmos DB account.
        </p>
      )}
      <div class="grid2">
        <section class="card">
          <h2>Create a counter</h2>
          <form class="stacked" method="post" action="/counters" novalidate>
            {errors.form && (
              <p class="notice error" role="alert">
                {errors.form}
              </p>
            )}
            <Field name="name" label="Name (optional)" error={errors.name}>
              <input
                id="name"
                name="name"
                type="text"
                maxlength={100}
                placeholder="e.g. Stock of item 42"
                value={values.name}
                aria-invalid={errors.name ? 'true' : undefined}
              />
            </Field>
            <div class="row">
              <Field name="initialValue" label="Initial value" error={errors.initialValue}>
                <input
                  id="initialValue"
                  name="initialValue"
                  type="number"
                  min={0}
                  step={1}
                  required
                  value={values.initialValue}
                  aria-invalid={errors.initialValue ? 'true' : undefined}
                />
              </Field>
              <Field name="shards" label="Shards" error={errors.shards}>
                <input
                  id="shards"
                  name="shards"
                  type="number"
                  min={1}
                  max={100}
                  step={1}
                  required
                  value={values.shards}
                  aria-invalid={errors.shards ? 'true' : undefined}
                />
              </Field>
            </div>
            <label class="check">
              <input type="checkbox" name="bounded" value="on" checked={values.bounded} />
              Bounded at zero (stock); untick for an unbounded counter (likes)
            </label>
            <button type="submit">Create counter</button>
          </form>
        </section>
        <section class="card">
          <h2>Open a counter</h2>
          <form class="stacked" method="get" action="/open">
            <label for="id">Counter ID</label>
            <input
              id="id"
              name="id"
              type="text"
              class="mono"
              placeholder="00000000-0000-0000-0000-000000000000"
              value={props.openId ?? ''}
              aria-invalid={props.openError ? 'true' : undefined}
              aria-describedby={props.openError ? 'open-error' : undefined}
            />
            {props.openError && (
              <p class="field-error" id="open-error" role="alert" data-testid="open-error">
                {props.openError}
              </p>
            )}
            <button type="submit" class="secondary">
              Open
            </button>
          </form>
        </section>
      </div>
      <p class="store" data-testid="store">
        Data: {ctx.storeDescription}
      </p>
    </Layout>
  );
}

/** A labelled input with the error that names it, e.g. "Shards must be a whole number…". */
function Field(props: { name: string; label: string; error?: string; children: Child }) {
  return (
    <div>
      <label for={props.name}>{props.label}</label>
      {props.children}
      {props.error && (
        <p class="field-error" role="alert" data-testid={`error-${props.name}`}>
          {props.label.replace(' (optional)', '')} {props.error}
        </p>
      )}
    </div>
  );
}
