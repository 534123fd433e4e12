/** The dashboard's whole stylesheet, served as /static/app.css. */
export const styles = `
:root {
  --bg: #f5f6f8;
  --card: #ffffff;
  --ink: #1b1f24;
  --muted: #5b6570;
  --line: #e1e5ea;
  --accent: #0f6cbd;
  --accent-ink: #ffffff;
  --warn-bg: #fff6e0;
  --warn-line: #f0c36d;
  --error-bg: #fdecec;
  --error-line: #e5a3a3;
  --ok-bg: #e9f6ee;
  --ok-line: #9fd3b0;
  --radius: 10px;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
  color: var(--ink);
  background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; line-height: 1.45; }
a { color: var(--accent); }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }

.topbar {
  display: flex; align-items: center; gap: 12px; padding: 12px 24px;
  background: var(--card); border-bottom: 1px solid var(--line);
}
.topbar .brand { font-weight: 650; color: var(--ink); text-decoration: none; font-size: 1.05rem; }
.topbar .brand span { color: var(--muted); font-weight: 400; }
.badge {
  margin-left: auto; font-size: 0.8rem; padding: 3px 10px; border-radius: 999px;
  border: 1px solid var(--line); color: var(--muted); background: var(--bg); white-space: nowrap;
}
.badge.memory { background: var(--warn-bg); border-color: var(--warn-line); color: #6b4b00; }

main { max-width: 1040px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.5rem; margin: 0 0 4px; }
h2 { font-size: 1.05rem; margin: 0 0 12px; }
.lead { color: var(--muted); margin: 0 0 20px; }

.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 16px; }
.card {
  background: var(--card); border: 1px solid var(--line); border-radius: var(--radius);
  padding: 18px 20px;
}
.card + .card { margin-top: 16px; }
.grid2 > .card + .card { margin-top: 0; }

form.stacked label { display: block; font-size: 0.85rem; color: var(--muted); margin: 10px 0 4px; }
form.stacked label.check { display: flex; align-items: center; gap: 8px; color: var(--ink); }
input[type='text'], input[type='number'] {
  width: 100%; padding: 8px 10px; font: inherit; border: 1px solid #c9d0d8;
  border-radius: 6px; background: #fff; color: var(--ink);
}
input:focus-visible, button:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
input[aria-invalid='true'] { border-color: #c4314b; }
.field-error { color: #a4262c; font-size: 0.85rem; margin: 4px 0 0; }
.row { display: flex; gap: 12px; }
.row > * { flex: 1; }

button {
  font: inherit; padding: 8px 16px; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--accent); background: var(--accent); color: var(--accent-ink);
}
button.secondary { background: #fff; color: var(--accent); }
button:disabled, button.htmx-request { opacity: 0.6; cursor: progress; }
form.stacked button { margin-top: 16px; }

.notice { border-radius: 8px; padding: 10px 14px; margin: 0 0 16px; border: 1px solid; }
.notice.info { background: var(--warn-bg); border-color: var(--warn-line); }
.notice.error { background: var(--error-bg); border-color: var(--error-line); }
.notice.ok { background: var(--ok-bg); border-color: var(--ok-line); }
#notice:empty { display: none; }
.store { color: var(--muted); font-size: 0.9rem; margin-top: 20px; }

.counter-head { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 12px 24px; margin-bottom: 16px; }
.counter-id { display: flex; align-items: center; gap: 8px; color: var(--muted); font-size: 0.9rem; }
.counter-id code {
  background: #eef1f4; padding: 3px 8px; border-radius: 6px; color: var(--ink); word-break: break-all;
}
.counter-id button { padding: 3px 10px; font-size: 0.8rem; }

.tiles { display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; margin-bottom: 16px; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: 14px 18px; }
.tile .label { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
.tile .value { font-size: 2rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.tile .hint { font-size: 0.8rem; color: var(--muted); }

.controls { display: flex; flex-wrap: wrap; gap: 12px 28px; align-items: center; margin-bottom: 16px; }
.controls form { display: flex; align-items: center; gap: 8px; }
.controls input[type='number'] { width: 80px; }
.controls .muted { color: var(--muted); font-size: 0.85rem; }

.chart { width: 100%; height: auto; display: block; }
.chart .grid { stroke: #eceff2; }
.chart .axis { stroke: #b8c0c8; }
.chart .tick { fill: var(--muted); font-size: 11px; }
.chart .empty { fill: var(--muted); font-size: 14px; }
.chart path { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; list-style: none; padding: 0; margin: 12px 0 0; font-size: 0.85rem; }
.legend li { display: flex; align-items: center; gap: 6px; font-variant-numeric: tabular-nums; }
.legend .swatch { width: 12px; height: 12px; border-radius: 3px; display: inline-block; }
.legend .retired { color: var(--muted); }
.legend .retired strong { font-weight: 400; }

@media (max-width: 640px) {
  .tiles { grid-template-columns: 1fr; }
  main { padding: 16px; }
  .topbar { padding: 12px 16px; }
  .topbar .brand span { display: none; }
  .chart .tick { font-size: 22px; }
}
`;
