import { raw } from 'hono/html';
import type { CounterView } from '../counter/model.js';
import { renderShardChart, shardSeries, type ChartSeries } from './chart.js';
import type { ShardHistory } from './history.js';

/** What the live panel shows: the counter as just read, and its shards' recent history. */
export interface LiveView {
  counter: CounterView;
  series: ChartSeries[];
  svg: string;
}

/** Records a sample of the counter's shards and renders the chart over the history's window. */
export function liveView(history: ShardHistory, counter: CounterView): LiveView {
  const now = history.now();
  const samples = history.record(counter.id, counter.shards);
  const series = shardSeries(samples, counter.shards);
  const frame = { from: now - history.windowMs, to: now, samples: samples.length };
  return { counter, series, svg: renderShardChart(series, frame) };
}

const format = (n: number) => n.toLocaleString('en-US');

/**
 * The tiles and the chart, replaced every 2 s by htmx polling `/counters/:id/live`, and after
 * each split or merge. Without `view` it shows `problem` instead; it keeps polling unless the
 * counter is gone for good.
 */
export function LivePanel(props: {
  counterId: string;
  view?: LiveView;
  problem?: string;
  gone?: boolean;
}) {
  const poll = props.gone
    ? {}
    : {
        'hx-get': `/counters/${props.counterId}/live`,
        'hx-trigger': 'every 2s',
        'hx-swap': 'outerHTML',
      };
  return (
    <section id="live" aria-live="off" {...poll}>
      {props.problem && <p class="notice error">{props.problem}</p>}
      {props.view && <Tiles view={props.view} />}
      {props.view && <Chart view={props.view} />}
    </section>
  );
}

function Tiles({ view }: { view: LiveView }) {
  const { counter } = view;
  const draining = counter.shards.filter((shard) => shard.status === 'draining').length;
  return (
    <div class="tiles">
      <div class="tile">
        <div class="label">Aggregate</div>
        <div class="value" data-testid="aggregate" data-value={counter.aggregate}>
          {format(counter.aggregate)}
        </div>
        <div class="hint">
          started at {format(counter.initialValue)} ·{' '}
          {counter.bounded ? 'bounded at zero' : 'unbounded'}
        </div>
      </div>
      <div class="tile">
        <div class="label">Active shards</div>
        <div class="value" data-testid="active-shards" data-value={counter.activeShards}>
          {counter.activeShards}
        </div>
        <div class="hint">{draining > 0 ? `${draining} draining` : 'taking writes'}</div>
      </div>
      <div class="tile">
        <div class="label">Shards shown</div>
        <div class="value" data-testid="shards-shown" data-value={view.series.length}>
          {view.series.length}
        </div>
        <div class="hint">lines in the chart below</div>
      </div>
    </div>
  );
}

function Chart({ view }: { view: LiveView }) {
  return (
    <div class="card">
      <h2>Shard amounts, last two minutes</h2>
      {raw(view.svg)}
      <ul class="legend" aria-label="Shards">
        {view.series.map((s) => (
          <li class={s.status === 'active' ? undefined : 'retired'} title={s.id}>
            <span class="swatch" style={`background:${s.color}`}></span>
            {s.label} <strong>{format(s.latest)}</strong>
            {s.status !== 'active' && ` (${s.status})`}
          </li>
        ))}
      </ul>
    </div>
  );
}
