/**
 * The run report as one self-contained HTML file: no script, no external resource (a
 * Content-Security-Policy forbids any), inline SVG only. A timeline of model turns and every
 * call (one bar per execution, waits shaded by reason, the critical path outlined, stragglers
 * and wasted calls marked), the DAG of each turn, and the metrics with one-line explanations.
 */
import { layoutDag } from './dag-layout.js';
import type { ReportCall, ReportModel } from './report-model.js';

/** Options of {@link renderHtmlReport}. */
export interface HtmlReportOptions {
  /** The page's title. @default 'toolgraph run report' */
  readonly title?: string;
  /** Width of the timeline's plot area in px. @default 960 */
  readonly plotWidth?: number;
}

const ROW = 18;
const LABEL_WIDTH = 300;
const AXIS = 28;
const WAIT_COLORS: Readonly<Record<string, string>> = {
  input: '#c7d2fe',
  conflict: '#fca5a5',
  cap: '#fcd34d',
  rate_limit: '#f9a8d4',
  approval: '#a5f3fc',
};
const STATUS_COLORS: Readonly<Record<string, string>> = {
  succeeded: '#0f766e',
  failed: '#dc2626',
  skipped: '#9ca3af',
  cancelled: '#6b7280',
  rejected: '#ea580c',
};
const DAG_MAX_ROWS = 40;
const MAX_LABEL = 40;

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\uFFFD');
}

function short(text: string, max = MAX_LABEL): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function fmt(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms === 0) return '0 ms';
  if (Math.abs(ms) < 10) return `${ms.toFixed(1)} ms`;
  return Math.abs(ms) < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function statusColor(status: string): string {
  return STATUS_COLORS[status] ?? '#6b7280';
}

/** Nice tick step for a span of `span` ms and about `count` ticks. */
function tickStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-6)));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

function timeline(model: ReportModel, plotWidth: number): string {
  const from = model.fromMs;
  const span = Math.max(model.toMs - from, 1e-3);
  const x = (t: number): number => LABEL_WIDTH + ((t - from) / span) * plotWidth;
  const rows: string[] = [];
  let y = AXIS;
  // The model's turns: a track with each turn's response and rejoin.
  const turnTrack: string[] = [];
  // The first turn's thinking starts with the trace.
  let previous: number | undefined = model.fromMs;
  for (const turn of model.turns) {
    if (turn.messageMs !== undefined && previous !== undefined && turn.messageMs > previous) {
      turnTrack.push(`<rect class="model" x="${x(previous).toFixed(1)}" y="${y + 3}" width="${Math.max(1, x(turn.messageMs) - x(previous)).toFixed(1)}" height="${ROW - 6}"><title>model turn ${turn.turn}: ${fmt(turn.messageMs - previous)} thinking</title></rect>`);
    }
    if (turn.messageMs !== undefined && turn.rejoinMs !== undefined) {
      turnTrack.push(`<rect class="tools-span" x="${x(turn.messageMs).toFixed(1)}" y="${y + 3}" width="${Math.max(1, x(turn.rejoinMs) - x(turn.messageMs)).toFixed(1)}" height="${ROW - 6}"><title>turn ${turn.turn}: ${turn.calls.length} calls, results back to the model after ${fmt(turn.rejoinMs - turn.messageMs)}</title></rect>`);
    }
    if (turn.messageMs !== undefined) turnTrack.push(`<line class="turn-mark" x1="${x(turn.messageMs).toFixed(1)}" x2="${x(turn.messageMs).toFixed(1)}" y1="${AXIS}" y2="{{HEIGHT}}"/>`);
    previous = turn.rejoinMs ?? previous;
  }
  rows.push(`<g class="turns"><text class="label" x="8" y="${y + 13}">model turns</text>${turnTrack.join('')}</g>`);
  y += ROW + 6;
  const byTurn = new Map<number, ReportCall[]>();
  for (const c of model.calls) {
    const list = byTurn.get(c.turn);
    if (list === undefined) byTurn.set(c.turn, [c]);
    else list.push(c);
  }
  for (const [turn, calls] of [...byTurn.entries()].sort((a, b) => a[0] - b[0])) {
    rows.push(`<text class="turn-head" x="8" y="${y + 13}">turn ${turn} · ${calls.length} call${calls.length === 1 ? '' : 's'}</text>`);
    y += ROW;
    for (const c of calls) {
      const parts: string[] = [];
      const cls = ['call', `status-${c.status.replace(/[^a-z_]/g, '')}`, c.critical ? 'critical' : '', c.stragglerRatio !== undefined ? 'straggler' : '', c.wasted !== undefined ? 'wasted' : ''].filter((s) => s !== '').join(' ');
      if (c.critical) parts.push(`<rect class="critical-row" x="0" y="${y}" width="${LABEL_WIDTH + plotWidth + 80}" height="${ROW}"/>`);
      parts.push(`<text class="label" x="8" y="${y + 13}">${escapeHtml(short(c.id, 22))} <tspan class="tool">${escapeHtml(short(c.tool, 24))}</tspan></text>`);
      for (const w of c.waits) {
        parts.push(`<rect class="wait wait-${escapeHtml(w.reason.replace(/[^a-z_]/g, ''))}" x="${x(w.fromMs).toFixed(1)}" y="${y + 4}" width="${Math.max(1, x(w.toMs) - x(w.fromMs)).toFixed(1)}" height="${ROW - 8}" fill="${WAIT_COLORS[w.reason] ?? '#e5e7eb'}"><title>${escapeHtml(`${c.id}: ${w.text} (${fmt(w.toMs - w.fromMs)})`)}</title></rect>`);
      }
      for (const e of c.executions) {
        const ecls = ['bar', e.hedge ? 'hedge' : e.attempt > 1 ? 'retry' : 'first', e.error === undefined ? '' : 'retried'].filter((s) => s !== '').join(' ');
        const top = e.hedge ? y + ROW / 2 : y + 2;
        const height = e.hedge ? ROW / 2 - 2 : e.attempt > 1 || c.executions.some((o) => o.hedge) ? ROW / 2 - 2 : ROW - 4;
        const fill = e.error !== undefined ? STATUS_COLORS['failed'] : statusColor(c.status);
        const what = e.hedge ? `hedged copy of attempt ${e.attempt}` : `attempt ${e.attempt}`;
        const title = `${c.id} · ${c.tool} · ${what}: ${fmt(e.endMs - e.startMs)}${e.error === undefined ? '' : `, failed ${e.error} and was retried`}\n${c.why}`;
        parts.push(`<rect class="${ecls}" data-attempt="${e.attempt}" x="${x(e.startMs).toFixed(1)}" y="${top}" width="${Math.max(1.5, x(e.endMs) - x(e.startMs)).toFixed(1)}" height="${height}" fill="${fill}"${c.wasted !== undefined ? ' fill-opacity="0.45"' : ''}><title>${escapeHtml(title)}</title></rect>`);
      }
      if (c.executions.length === 0 && c.endMs !== undefined) {
        parts.push(`<text class="never" x="${x(c.endMs).toFixed(1)}" y="${y + 13}" style="fill:${statusColor(c.status)}">✕<title>${escapeHtml(`${c.id}: ${c.status}${c.error === undefined ? '' : ` (${c.error.code}: ${c.error.message})`}`)}</title></text>`);
      }
      const end = Math.max(...c.executions.map((e) => e.endMs), c.endMs ?? -Infinity);
      const notes: string[] = [];
      if (c.stragglerRatio !== undefined) notes.push(`⚠ straggler ${c.stragglerRatio.toFixed(1)}×`);
      if (c.wasted !== undefined) notes.push(`wasted (${c.wasted})`);
      if (c.status !== 'succeeded' && c.executions.length > 0) notes.push(c.status);
      if (notes.length > 0 && Number.isFinite(end)) parts.push(`<text class="note" x="${(x(end) + 4).toFixed(1)}" y="${y + 13}">${escapeHtml(notes.join(' · '))}</text>`);
      rows.push(`<g class="${cls}" data-id="${escapeHtml(c.id)}" data-tool="${escapeHtml(c.tool)}" data-status="${escapeHtml(c.status)}"><title>${escapeHtml(`${c.id} · ${c.tool} · ${c.status}\n${c.why}`)}</title>${parts.join('')}</g>`);
      y += ROW;
    }
  }
  const height = y + 8;
  const ticks: string[] = [];
  const step = tickStep(span, plotWidth / 110);
  for (let t = 0; t <= span + 1e-9; t += step) {
    const px = x(from + t).toFixed(1);
    ticks.push(`<line class="grid" x1="${px}" x2="${px}" y1="${AXIS - 6}" y2="${height}"/><text class="tick" x="${px}" y="${AXIS - 10}">${escapeHtml(fmt(t))}</text>`);
  }
  const width = LABEL_WIDTH + plotWidth + 160;
  return `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="timeline">${ticks.join('')}${rows.join('').replaceAll('{{HEIGHT}}', String(height))}</svg>`;
}

function dags(model: ReportModel): string {
  const byId = new Map(model.calls.map((c) => [c.id, c]));
  const out: string[] = [];
  for (const turn of model.turns) {
    const calls = turn.calls.map((id) => byId.get(id)).filter((c): c is ReportCall => c !== undefined);
    if (calls.length === 0) continue;
    const inTurn = new Set(turn.calls);
    const layout = layoutDag(calls.map((c) => ({ id: c.id, deps: c.deps.filter((d) => inTurn.has(d)) })), DAG_MAX_ROWS);
    const compact = calls.length > 120;
    const w = compact ? 14 : 150;
    const h = compact ? 14 : 24;
    const gapX = compact ? 10 : 40;
    const gapY = compact ? 4 : 6;
    const pos = new Map(layout.nodes.map((n) => [n.id, { x: 10 + n.column * (w + gapX), y: 10 + n.row * (h + gapY) }]));
    const parts: string[] = [];
    for (const e of layout.edges) {
      const a = pos.get(e.from);
      const b = pos.get(e.to);
      if (a === undefined || b === undefined) continue;
      const critical = byId.get(e.from)?.critical === true && byId.get(e.to)?.critical === true;
      const x1 = a.x + w;
      const y1 = a.y + h / 2;
      const x2 = b.x;
      const y2 = b.y + h / 2;
      parts.push(`<path class="edge${critical ? ' critical' : ''}" d="M${x1},${y1} C${x1 + gapX / 2},${y1} ${x2 - gapX / 2},${y2} ${x2},${y2}"/>`);
    }
    for (const n of layout.nodes) {
      const c = byId.get(n.id) as ReportCall;
      const p = pos.get(n.id) as { x: number; y: number };
      const title = `<title>${escapeHtml(`${c.id} · ${c.tool} · ${c.status}${c.deps.length === 0 ? '' : `\ninputs: ${c.deps.join(', ')}`}`)}</title>`;
      parts.push(
        `<g class="node${c.critical ? ' critical' : ''}" data-id="${escapeHtml(c.id)}"><rect x="${p.x}" y="${p.y}" width="${w}" height="${h}" rx="4" fill="${statusColor(c.status)}"/>${compact ? '' : `<text x="${p.x + 6}" y="${p.y + 16}">${escapeHtml(short(`${c.id} ${c.tool}`, 22))}</text>`}${title}</g>`,
      );
    }
    const width = 20 + layout.columns * (w + gapX);
    const height = 20 + layout.rows * (h + gapY);
    out.push(
      `<section class="dag"><h3>Turn ${turn.turn}: ${calls.length} call${calls.length === 1 ? '' : 's'}, ${layout.edges.length} edge${layout.edges.length === 1 ? '' : 's'}</h3>${turn.content === undefined ? '' : `<p class="content">${escapeHtml(short(turn.content, 300))}</p>`}<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg></section>`,
    );
  }
  return out.join('');
}

function metricsTable(model: ReportModel): string {
  const m = model.analysis.metrics;
  const p = model.analysis.parallelization;
  const rows: [string, string, string][] = [
    ['calls', `${m.calls} (${Object.entries(m.byStatus).map(([s, n]) => `${n} ${s}`).join(', ')})`, 'Tool calls in the trace and how they ended.'],
    ['model turns', String(model.analysis.turns), 'Responses of the model; each asked for one batch of calls.'],
    ['calls per batch', `[${p.calls_per_batch.join(', ')}]`, 'How many calls each model turn asked for at once (fan-out width).'],
    ['sequential rounds', String(model.analysis.sequentialRounds), 'How many times the model waited for tool results.'],
    ['dependency depth', String(m.rounds), 'The most calls on one chain of inputs: calls that had to run one after another.'],
    ['makespan', fmt(m.makespanMs), 'First call start to last call end.'],
    ['critical path', fmt(m.criticalPathMs), 'The longest chain of inputs, by observed durations: no schedule could be shorter.'],
    ['makespan / critical path', `${m.makespanOverCriticalPath.toFixed(2)}×`, '1.00× is the physical limit; above it, time went to waiting for slots, conflicts or the model.'],
    ['peak parallelism', String(m.maxParallelism), 'Most calls running at one time.'],
    ['median duration', fmt(m.medianDurationMs), 'Typical time one call took.'],
    ['stragglers', m.stragglers.length === 0 ? 'none' : m.stragglers.map((s) => `${s.id} ${s.ratio.toFixed(1)}×`).join(', '), 'Calls slower than 3× the median: what a hedge or a timeout would cut.'],
    ['rejoin latency', m.rejoinLatencyMs === undefined ? '–' : fmt(m.rejoinLatencyMs), 'Time the model waited after the last result it needed had arrived.'],
    ['waste', m.waste.length === 0 ? 'none' : `${m.waste.length} call${m.waste.length === 1 ? '' : 's'}, ${fmt(m.wastedMs)}`, 'Calls whose results arrived after the rejoin or that nothing used.'],
  ];
  return `<table class="metrics"><tbody>${rows.map(([k, v, why]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td><td class="why">${escapeHtml(why)}</td></tr>`).join('')}</tbody></table>`;
}

function waitSummary(model: ReportModel): string {
  const by = new Map<string, { calls: Set<string>; ms: number }>();
  for (const c of model.calls) {
    for (const w of c.waits) {
      let s = by.get(w.reason);
      if (s === undefined) by.set(w.reason, (s = { calls: new Set(), ms: 0 }));
      s.calls.add(c.id);
      s.ms += w.toMs - w.fromMs;
    }
  }
  if (by.size === 0) return '<p class="muted">No call was held back after its inputs were ready (or the trace does not record waits).</p>';
  const meaning: Readonly<Record<string, string>> = {
    input: 'waited for the calls whose results it reads',
    conflict: 'waited behind an earlier call touching the same resource',
    cap: 'every slot of the run or of its tool was busy',
    rate_limit: 'its tool\'s rate limit allowed no start yet',
    approval: 'waited for a person (not scheduling loss)',
  };
  return `<table class="waits"><thead><tr><th>reason</th><th>calls</th><th>total wait</th><th>meaning</th></tr></thead><tbody>${[...by.entries()]
    .map(([reason, s]) => `<tr><td><span class="swatch" style="background:${WAIT_COLORS[reason] ?? '#e5e7eb'}"></span>${escapeHtml(reason)}</td><td>${s.calls.size}</td><td>${escapeHtml(fmt(s.ms))}</td><td class="why">${escapeHtml(meaning[reason] ?? '')}</td></tr>`)
    .join('')}</tbody></table>`;
}

function callTable(model: ReportModel): string {
  const rows = model.calls.map(
    (c) =>
      `<tr><td>${escapeHtml(c.id)}</td><td>${escapeHtml(c.tool)}</td><td>${c.turn}</td><td style="color:${statusColor(c.status)}">${escapeHtml(c.status)}</td><td>${c.startMs === undefined ? '–' : escapeHtml(fmt(c.startMs - model.fromMs))}</td><td>${c.startMs === undefined || c.endMs === undefined ? '–' : escapeHtml(fmt(c.endMs - c.startMs))}</td><td>${c.executions.length}</td><td class="why">${escapeHtml(c.why)}${c.error === undefined ? '' : ` — ${escapeHtml(short(`${c.error.code}: ${c.error.message}`, 200))}`}</td></tr>`,
  );
  return `<details${model.calls.length <= 50 ? ' open' : ''}><summary>Every call: when it started and why (${model.calls.length})</summary><table class="calls"><thead><tr><th>id</th><th>tool</th><th>turn</th><th>status</th><th>start</th><th>duration</th><th>executions</th><th>why it started when it did</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#111827;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}h3{font-size:14px;margin:16px 0 6px}
.muted,.why{color:#4b5563}.summary{color:#374151;margin:0 0 16px}
table{border-collapse:collapse}th,td{padding:3px 10px 3px 0;text-align:left;vertical-align:top}
table.metrics th{font-weight:600;white-space:nowrap}table.calls td,table.calls th{border-bottom:1px solid #f3f4f6;font-size:12px}
.legend{display:flex;flex-wrap:wrap;gap:14px;margin:8px 0 10px;font-size:12px;color:#374151}
.swatch{display:inline-block;width:14px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.scroll{overflow-x:auto;border:1px solid #e5e7eb;border-radius:6px}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;fill:#111827}
svg .tool{fill:#6b7280}svg .tick{fill:#6b7280;font-size:11px;text-anchor:middle}svg .grid{stroke:#f3f4f6}
svg .turn-head{font-weight:600;fill:#374151}svg .note{fill:#b45309;font-size:11px}svg .never{font-weight:700}
svg .model{fill:#e9d5ff}svg .tools-span{fill:#f3f4f6;stroke:#d1d5db}svg .turn-mark{stroke:#a855f7;stroke-dasharray:3 3}
svg .critical-row{fill:#fef3c7;fill-opacity:.55}svg .call.critical .bar{stroke:#92400e;stroke-width:2}
svg .bar.retried{fill-opacity:.7}svg .bar.hedge{stroke:#1e3a8a;stroke-width:1}
svg .edge{fill:none;stroke:#9ca3af;stroke-width:1.2}svg .edge.critical{stroke:#b45309;stroke-width:2.5}
svg .node text{fill:#fff;font-size:11px}svg .node.critical rect{stroke:#92400e;stroke-width:2.5}
.dag svg{display:block;max-width:100%;height:auto}.content{color:#4b5563;font-style:italic;margin:0 0 6px}
`;

/**
 * Renders the report as one HTML document.
 *
 * @example
 * await writeFile('report.html', renderHtmlReport(buildReportModel(parseTrace(text))))
 */
export function renderHtmlReport(model: ReportModel, options: HtmlReportOptions = {}): string {
  const title = options.title ?? 'toolgraph run report';
  const m = model.analysis.metrics;
  const plotWidth = options.plotWidth ?? 960;
  const legend = [
    ...Object.entries(STATUS_COLORS).map(([s, c]) => `<span><span class="swatch" style="background:${c}"></span>${s}</span>`),
    ...Object.entries(WAIT_COLORS).map(([s, c]) => `<span><span class="swatch" style="background:${c}"></span>wait: ${s}</span>`),
    '<span><span class="swatch" style="background:#fef3c7;outline:2px solid #92400e"></span>critical path</span>',
    '<span><span class="swatch" style="background:#0f766e;height:5px"></span>hedge / retry: half-height bars</span>',
    '<span><span class="swatch" style="background:#e9d5ff"></span>model thinking</span>',
    '<span>⚠ straggler · faded: wasted</span>',
  ].join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="summary">${m.calls} call${m.calls === 1 ? '' : 's'} in ${model.analysis.turns} model turn${model.analysis.turns === 1 ? '' : 's'} · makespan ${escapeHtml(fmt(m.makespanMs))} · critical path ${escapeHtml(fmt(m.criticalPathMs))} (${m.makespanOverCriticalPath.toFixed(2)}×) · up to ${m.maxParallelism} at once</p>
<h2>Timeline</h2>
<p class="muted">One row per call, one bar per execution (retries and hedged copies are half-height bars in the same row). Shaded before a bar: why the call waited. Hover any bar for why it started when it did.</p>
<div class="legend">${legend}</div>
<div class="scroll">${timeline(model, plotWidth)}</div>
<h2>Why calls waited</h2>
${waitSummary(model)}
<h2>Metrics</h2>
${metricsTable(model)}
<h2>The DAG of each turn</h2>
<p class="muted">Columns are dependency depth; edges go from an input to the call that read it; the critical path is outlined.</p>
${dags(model)}
<h2>Calls</h2>
${callTable(model)}
</body></html>
`;
}
