import { Layout, type PageContext } from './layout.js';
import { LivePanel, type LiveView } from './live-panel.js';

export interface Notice {
  kind: 'ok' | 'error';
  text: string;
}

/** The counter page: its ID with a copy button, split / merge controls, and the live panel. */
export function CounterPage(props: { ctx: PageContext; view: LiveView; notice?: Notice }) {
  const { counter } = props.view;
  return (
    <Layout ctx={props.ctx} title={counter.name || 'Counter'}>
      <div class="counter-head">
        <div>
          <h1>{counter.name || 'Counter'}</h1>
          <div class="counter-id">
            ID{' '}
            <code id="counter-id" data-testid="counter-id">
              {counter.id}
            </code>
            <button
              type="button"
              class="secondary"
              data-copy={counter.id}
              aria-controls="counter-id"
            >
              Copy
            </button>
          </div>
        </div>
      </div>
      <Controls counterId={counter.id} />
      <NoticeArea notice={props.notice} />
      <LivePanel counterId={counter.id} view={props.view} />
    </Layout>
  );
}

/**
 * Where the outcome of a split or merge is shown. It sits outside the polled panel so the next
 * refresh does not wipe it; htmx responses replace it out of band.
 */
export function NoticeArea(props: { notice?: Notice; oob?: boolean }) {
  return (
    <div id="notice" role="status" hx-swap-oob={props.oob ? 'true' : undefined}>
      {props.notice && (
        <p class={`notice ${props.notice.kind}`} data-testid="notice">
          {props.notice.text}
        </p>
      )}
    </div>
  );
}

/** Split and merge: plain posts that redirect back, upgraded by htmx to swap the live panel. */
function Controls(props: { counterId: string }) {
  return (
    <div class="card controls">
      <ManageForm counterId={props.counterId} op="split" label="Add" button="Split" />
      <ManageForm counterId={props.counterId} op="merge" label="Remove" button="Merge" />
      <span class="muted">Totals stay exact while writers keep writing.</span>
    </div>
  );
}

function ManageForm(props: {
  counterId: string;
  op: 'split' | 'merge';
  label: string;
  button: string;
}) {
  const action = `/counters/${props.counterId}/${props.op}`;
  const input = `${props.op}-count`;
  return (
    <form
      method="post"
      action={action}
      hx-post={action}
      hx-target="#live"
      hx-swap="outerHTML"
      hx-disabled-elt="find button"
      data-testid={`${props.op}-form`}
    >
      <label for={input}>{props.label}</label>
      <input id={input} name="count" type="number" min={1} max={99} step={1} value="2" required />
      <span>shards</span>
      <button type="submit">{props.button}</button>
    </form>
  );
}
