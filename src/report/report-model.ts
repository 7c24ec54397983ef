/**
 * What the HTML report and the Chrome trace draw, read from a trace: every call with its
 * executions (attempts, hedged copies), its waits and why, whether it is on the critical path,
 * a straggler or wasted; the model turns; and the trace's metrics.
 */
import { analyzeTrace, type TraceAnalysis } from '../observe/analyze-trace.js';
import { isToolCallEntry, isToolResponseEntry, type TraceLike } from '../observe/trace-entry.js';

/** One execution of a call: its first attempt, a retry or a hedged copy. */
export interface ReportExecution {
  /** Attempt number (1 for the first). */
  readonly attempt: number;
  /** A hedged copy of the attempt. */
  readonly hedge: boolean;
  readonly startMs: number;
  readonly endMs: number;
  /** The error code of an attempt that failed and was retried. */
  readonly error?: string;
}

/** A stretch of time a call spent held back, and why. */
export interface ReportWait {
  /** input, conflict, cap, rate_limit, approval (or `ready` for an unexplained gap). */
  readonly reason: string;
  readonly fromMs: number;
  readonly toMs: number;
  /** One-line explanation, e.g. "conflict with a on tool:fetch_url". */
  readonly text: string;
}

/** One call as the report shows it. */
export interface ReportCall {
  /** Unique id (a repeated trace id gets `#2`, ...). */
  readonly id: string;
  /** The id written in the trace. */
  readonly traceId: string;
  readonly tool: string;
  readonly turn: number;
  readonly status: string;
  readonly startMs: number | undefined;
  readonly endMs: number | undefined;
  /** When its inputs were ready. */
  readonly readyMs: number | undefined;
  /** Inputs (unique ids). */
  readonly deps: readonly string[];
  readonly executions: readonly ReportExecution[];
  readonly waits: readonly ReportWait[];
  readonly critical: boolean;
  /** Duration / median, when it is a straggler. */
  readonly stragglerRatio: number | undefined;
  /** `late` or `unconsumed` when its work was wasted. */
  readonly wasted: string | undefined;
  /** Error code and message of a call that did not succeed. */
  readonly error: { readonly code: string; readonly message: string } | undefined;
  /** Why it started when it did, in one sentence. */
  readonly why: string;
}

/** One model turn. */
export interface ReportTurn {
  readonly turn: number;
  /** When the model's response was complete. */
  readonly messageMs: number | undefined;
  /** When results went back to the model. */
  readonly rejoinMs: number | undefined;
  /** The text the model wrote (bounded). */
  readonly content: string | undefined;
  /** Unique ids of its calls, in trace order. */
  readonly calls: readonly string[];
}

/** Everything the renderers need. */
export interface ReportModel {
  readonly calls: readonly ReportCall[];
  readonly turns: readonly ReportTurn[];
  readonly analysis: TraceAnalysis;
  /** Earliest and latest time drawn. */
  readonly fromMs: number;
  readonly toMs: number;
}

const MAX_CONTENT_CHARS = 2000;

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function waitText(w: Record<string, unknown>, tool: string): string {
  const on = str(w['on']);
  switch (w['reason']) {
    case 'input':
      return `waiting for input ${on ?? '?'}`;
    case 'conflict':
      return `conflict with ${on ?? '?'}${str(w['resource']) === undefined ? '' : ` on ${str(w['resource'])}`}`;
    case 'cap':
      return `${w['scope'] === 'tool' ? `${tool}'s` : "the run's"} concurrency cap${num(w['limit']) === undefined ? '' : ` (${num(w['limit'])})`} was full`;
    case 'rate_limit':
      return `${tool}'s rate limit`;
    case 'approval':
      return 'waiting for a person to approve';
    default:
      return String(w['reason']);
  }
}

/**
 * Builds the report's model from trace entries (see `toolgraph run --trace` and
 * `createTraceRecorder`). Traces without waits or attempts (older ones, other tools') still
 * draw: one execution per call, and the gap after its inputs as an unexplained wait.
 */
export function buildReportModel(trace: readonly TraceLike[]): ReportModel {
  const analysis = analyzeTrace(trace);
  const m = analysis.metrics;
  const critical = new Set(m.criticalPath);
  const stragglers = new Map(m.stragglers.map((s) => [s.id, s.ratio]));
  const waste = new Map(m.waste.map((w) => [w.id, w.reason]));
  // The trace's own lines of each call (in order, so repeated ids line up with analyzeTrace's).
  const callLines: TraceLike[] = [];
  const responses = new Map<TraceLike, TraceLike>();
  const latest = new Map<string, TraceLike>();
  const turns = new Map<number, { messageMs: number | undefined; rejoinMs: number | undefined; content: string | undefined; calls: string[] }>();
  const turnOf = (n: number): { messageMs: number | undefined; rejoinMs: number | undefined; content: string | undefined; calls: string[] } => {
    let t = turns.get(n);
    if (t === undefined) turns.set(n, (t = { messageMs: undefined, rejoinMs: undefined, content: undefined, calls: [] }));
    return t;
  };
  for (const entry of trace) {
    if (isToolCallEntry(entry)) {
      callLines.push(entry);
      latest.set(entry.id, entry);
    } else if (isToolResponseEntry(entry)) {
      const call = latest.get(entry.call_id);
      if (call !== undefined && !responses.has(call)) responses.set(call, entry);
    } else if (entry.type === 'assistant_message') {
      const n = num(entry['turn']);
      if (n === undefined) continue;
      const t = turnOf(n);
      t.messageMs ??= num(entry['t']);
      const content = str(entry['content']);
      if (content !== undefined) t.content = content.length > MAX_CONTENT_CHARS ? `${content.slice(0, MAX_CONTENT_CHARS)}…` : content;
    } else if (entry.type === 'rejoin') {
      const n = num(entry['turn']);
      if (n !== undefined) turnOf(n).rejoinMs = num(entry['t']);
    }
  }
  const idOf = new Map<string, string>();
  analysis.calls.forEach((c) => {
    if (!idOf.has(c.traceId)) idOf.set(c.traceId, c.id);
  });
  let fromMs = Infinity;
  let toMs = -Infinity;
  const see = (t: number | undefined): void => {
    if (t === undefined) return;
    if (t < fromMs) fromMs = t;
    if (t > toMs) toMs = t;
  };
  const calls = analysis.calls.map((c, i): ReportCall => {
    const line = callLines[i] ?? { type: 'tool_call' };
    const response = responses.get(line);
    const startMs = c.startedMs;
    const endMs = c.endedMs;
    const readyMs = num(line['ready_t']);
    const executions: ReportExecution[] = [];
    const attempts = Array.isArray(line['attempts']) ? (line['attempts'] as Record<string, unknown>[]) : [];
    if (attempts.length > 0) {
      for (const a of attempts) {
        const s = num(a['t']);
        if (s === undefined) continue;
        const e = num(a['end_t']) ?? endMs ?? s;
        const error = str(a['error']);
        executions.push({ attempt: num(a['attempt']) ?? 1, hedge: a['hedge'] === true, startMs: s, endMs: e, ...(error === undefined ? {} : { error }) });
      }
    } else if (startMs !== undefined && endMs !== undefined) {
      executions.push({ attempt: 1, hedge: false, startMs, endMs });
    }
    // Waits: each lasts until the next wait of the call or its next execution start.
    const rawWaits = Array.isArray(line['waits']) ? (line['waits'] as Record<string, unknown>[]) : [];
    const starts = executions.map((e) => e.startMs).sort((a, b) => a - b);
    const waits: ReportWait[] = [];
    rawWaits.forEach((w, k) => {
      const from = num(w['t']);
      if (from === undefined) return;
      const nextWait = num(rawWaits[k + 1]?.['t']);
      const nextStart = starts.find((s) => s >= from);
      // An input wait lasts until the call was ready.
      const until = w['reason'] === 'input' ? (readyMs ?? nextStart) : Math.min(nextWait ?? Infinity, nextStart ?? endMs ?? Infinity);
      if (until === undefined || !Number.isFinite(until) || until <= from) return;
      waits.push({ reason: String(w['reason']), fromMs: from, toMs: until, text: waitText(w, c.tool ?? '?') });
    });
    const held = waits.filter((w) => w.reason !== 'input');
    const inputs = c.deps ?? [];
    let why: string;
    if (startMs === undefined) why = `never started (${c.status ?? 'no response'})`;
    else if (held.length > 0) why = `ready${readyMs === undefined ? '' : ` at ${readyMs.toFixed(1)} ms`}, then held back: ${[...new Set(held.map((w) => w.text))].join('; ')}`;
    else if (inputs.length > 0) why = `started when its input${inputs.length === 1 ? '' : 's'} ${inputs.slice(0, 5).join(', ')}${inputs.length > 5 ? ', …' : ''} had finished`;
    else why = 'started as soon as it arrived';
    for (const e of executions) {
      see(e.startMs);
      see(e.endMs);
    }
    see(startMs);
    see(endMs);
    for (const w of waits) see(w.fromMs);
    const code = str((response?.['error'] as Record<string, unknown> | undefined)?.['code']);
    const message = str((response?.['error'] as Record<string, unknown> | undefined)?.['message']);
    return {
      id: c.id,
      traceId: c.traceId,
      tool: c.tool ?? '?',
      turn: c.turn,
      status: c.status ?? (c.unanswered ? 'unanswered' : 'unknown'),
      startMs,
      endMs,
      readyMs,
      deps: inputs.map((d) => idOf.get(d) ?? d),
      executions,
      waits,
      critical: critical.has(c.id),
      stragglerRatio: stragglers.get(c.id),
      wasted: waste.get(c.id),
      error: code === undefined && message === undefined ? undefined : { code: code ?? '', message: message ?? '' },
      why,
    };
  });
  for (const c of calls) turnOf(c.turn).calls.push(c.id);
  for (const t of turns.values()) {
    see(t.messageMs);
    see(t.rejoinMs);
  }
  if (fromMs === Infinity) {
    fromMs = 0;
    toMs = 0;
  }
  // A trace recorded from its start (times from 0) is drawn from 0, so the first model turn
  // shows; one whose times are far from 0 (epoch milliseconds) is not.
  if (fromMs > 0 && turns.size > 0 && fromMs <= 2 * (toMs - fromMs)) fromMs = 0;
  return {
    calls,
    turns: [...turns.entries()].sort((a, b) => a[0] - b[0]).map(([turn, t]) => ({ turn, ...t })),
    analysis,
    fromMs,
    toMs,
  };
}
