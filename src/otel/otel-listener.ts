/**
 * OpenTelemetry spans from a run's events: one span per run, one per call following the GenAI
 * semantic conventions for tool execution (`execute_tool {name}`), errors as span status with
 * `error.type`, retries, hedges and waits as span events, and the DAG as span links from each
 * call to the calls it depended on.
 */
import { context as otelContext, trace, SpanKind, SpanStatusCode, type Attributes, type Context, type Link, type Span, type Tracer } from '@opentelemetry/api';
import type { RunEvent } from '../schedule/events.js';

/** Options of {@link otelListener}. */
export interface OtelListenerOptions {
  /** The tracer to use. @default trace.getTracer('toolgraph') */
  readonly tracer?: Tracer;
  /** Parent of the run span (e.g. the span of the agent step). @default the active context */
  readonly context?: Context;
  /** Record arguments and results as `gen_ai.tool.call.arguments` / `gen_ai.tool.call.result` (JSON, bounded). @default false */
  readonly includeContent?: boolean;
  /** Most characters of one recorded argument or result. @default 4000 */
  readonly maxContentChars?: number;
  /** Wall clock in ms since the epoch, to place the run's monotonic times. @default Date.now */
  readonly now?: () => number;
}

/** A run listener that also ends what is still open (a run that never finished). */
export interface OtelListener {
  /** Feed it every event: `run(plan, { tools, onEvent: listener })`. */
  (event: RunEvent): void;
  /** Ends every span still open (calls and runs that never reported their end) at the current time. */
  end(): void;
}

interface CallState {
  span: Span | undefined;
  readyT: number | undefined;
  deps: readonly string[];
  waits: { t: number; attributes: Attributes }[];
}

interface RunState {
  readonly span: Span;
  readonly origin: number;
  readonly ctx: Context;
  readonly calls: Map<string, CallState>;
}

const DEFAULT_MAX_CONTENT = 4000;

function json(value: unknown, max: number): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? 'null';
  } catch {
    text = '"[not serializable]"';
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Creates a listener that turns run events into OpenTelemetry spans. Works with `run()`,
 * `execute()` (subscribe it) and `runAgent()`; several runs may share one listener (spans are
 * kept per `runId`). Needs `@opentelemetry/api` (an optional peer) and an SDK set up by you.
 *
 * @example
 * import { otelListener } from 'toolgraph/otel'
 * const result = await run(plan, { tools, onEvent: otelListener() })
 */
export function otelListener(options: OtelListenerOptions = {}): OtelListener {
  const tracer = options.tracer ?? trace.getTracer('toolgraph');
  const now = options.now ?? Date.now;
  const content = options.includeContent === true;
  const max = options.maxContentChars ?? DEFAULT_MAX_CONTENT;
  const runs = new Map<string, RunState>();

  const runOf = (event: RunEvent): RunState => {
    let state = runs.get(event.runId);
    if (state === undefined) {
      const origin = now() - event.t;
      const parent = options.context ?? otelContext.active();
      const span = tracer.startSpan('toolgraph.run', { kind: SpanKind.INTERNAL, startTime: origin + event.t, attributes: { 'toolgraph.run.id': event.runId } }, parent);
      state = { span, origin, ctx: trace.setSpan(parent, span), calls: new Map() };
      runs.set(event.runId, state);
    }
    return state;
  };
  const callOf = (run: RunState, id: string): CallState => {
    let call = run.calls.get(id);
    if (call === undefined) run.calls.set(id, (call = { span: undefined, readyT: undefined, deps: [], waits: [] }));
    return call;
  };
  const open = (run: RunState, call: CallState, event: Extract<RunEvent, { callId: string }>, args: unknown): Span => {
    if (call.span !== undefined) return call.span;
    const links: Link[] = [];
    for (const dep of call.deps) {
      const span = run.calls.get(dep)?.span;
      if (span !== undefined) links.push({ context: span.spanContext(), attributes: { 'toolgraph.link': 'input' } });
    }
    const attributes: Attributes = {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': event.tool,
      'gen_ai.tool.call.id': event.callId,
      'gen_ai.tool.type': 'function',
      'toolgraph.run.id': event.runId,
    };
    if (call.deps.length > 0) attributes['toolgraph.call.deps'] = [...call.deps];
    if (call.readyT !== undefined && event.type === 'call_started') attributes['toolgraph.call.waited_ms'] = Math.max(0, event.t - call.readyT);
    if (content && args !== undefined) attributes['gen_ai.tool.call.arguments'] = json(args, max);
    const span = tracer.startSpan(`execute_tool ${event.tool}`, { kind: SpanKind.INTERNAL, startTime: run.origin + event.t, attributes, links }, run.ctx);
    for (const w of call.waits) span.addEvent('toolgraph.waiting', w.attributes, run.origin + w.t);
    call.waits = [];
    call.span = span;
    return span;
  };

  const listener = ((event: RunEvent): void => {
    const run = runOf(event);
    switch (event.type) {
      case 'run_started':
        run.span.setAttribute('toolgraph.run.calls', event.calls);
        return;
      case 'run_finished': {
        const m = event.metrics;
        run.span.setAttributes({
          'toolgraph.calls': m.calls,
          'toolgraph.calls.succeeded': m.succeeded,
          'toolgraph.calls.failed': m.failed,
          'toolgraph.calls.skipped': m.skipped,
          'toolgraph.calls.cancelled': m.cancelled,
          'toolgraph.calls.rejected': m.rejected,
          'toolgraph.makespan_ms': m.makespanMs,
          'toolgraph.critical_path_ms': m.criticalPathMs,
          'toolgraph.max_parallelism': m.maxParallelism,
          'toolgraph.rounds': m.rounds,
          'toolgraph.retries': m.retries,
          'toolgraph.hedges': m.hedges,
          ...(m.approvalWaitMs === undefined ? {} : { 'toolgraph.approval_wait_ms': m.approvalWaitMs }),
        });
        if (m.failed + m.cancelled > 0) run.span.setStatus({ code: SpanStatusCode.ERROR, message: `${m.failed} failed, ${m.cancelled} cancelled` });
        for (const call of run.calls.values()) if (call.span?.isRecording() === true) call.span.end(run.origin + event.t);
        run.span.end(run.origin + event.t);
        runs.delete(event.runId);
        return;
      }
      default:
        break;
    }
    const call = callOf(run, event.callId);
    switch (event.type) {
      case 'call_ready':
        call.readyT = event.t;
        if (event.deps !== undefined) call.deps = event.deps;
        break;
      case 'call_waiting': {
        const attributes: Attributes = { 'toolgraph.wait.reason': event.reason };
        if (event.on !== undefined) attributes['toolgraph.wait.on'] = event.on;
        if (event.resource !== undefined) attributes['toolgraph.wait.resource'] = event.resource;
        if (event.scope !== undefined) attributes['toolgraph.wait.scope'] = event.scope;
        if (event.limit !== undefined) attributes['toolgraph.wait.limit'] = event.limit;
        if (call.span === undefined) call.waits.push({ t: event.t, attributes });
        else call.span.addEvent('toolgraph.waiting', attributes, run.origin + event.t);
        break;
      }
      case 'approval_requested':
        call.waits.push({ t: event.t, attributes: { 'toolgraph.wait.reason': 'approval' } });
        break;
      case 'call_started': {
        if (call.span === undefined) open(run, call, event, event.args);
        else if (event.hedge === true) call.span.addEvent('toolgraph.hedge', { 'toolgraph.attempt': event.attempt }, run.origin + event.t);
        else call.span.addEvent('toolgraph.attempt', { 'toolgraph.attempt': event.attempt }, run.origin + event.t);
        break;
      }
      case 'call_retry':
        (call.span ?? open(run, call, event, undefined)).addEvent(
          'toolgraph.retry',
          { 'toolgraph.attempt': event.attempt, 'toolgraph.retry.delay_ms': event.delayMs, 'error.type': event.error.code, 'toolgraph.error.message': event.error.message },
          run.origin + event.t,
        );
        break;
      case 'call_partial':
        break;
      case 'call_succeeded': {
        const span = open(run, call, event, undefined);
        span.setAttribute('toolgraph.call.attempts', event.attempts);
        if (event.coalescedWith !== undefined) span.setAttribute('toolgraph.call.coalesced_with', event.coalescedWith);
        if (content) span.setAttribute('gen_ai.tool.call.result', json(event.result, max));
        span.setStatus({ code: SpanStatusCode.OK });
        span.end(run.origin + event.t);
        break;
      }
      case 'call_failed':
      case 'call_skipped':
      case 'call_cancelled':
      case 'call_rejected': {
        const span = open(run, call, event, undefined);
        span.setAttributes({ 'error.type': event.error.code, 'toolgraph.call.status': event.type.slice('call_'.length) });
        if (event.type === 'call_failed') span.setAttribute('toolgraph.call.attempts', event.attempts);
        if (event.type === 'call_skipped') span.setAttribute('toolgraph.call.skipped_because', event.cause);
        span.setStatus({ code: SpanStatusCode.ERROR, message: event.error.message });
        span.end(run.origin + event.t);
        break;
      }
    }
  }) as OtelListener;

  listener.end = () => {
    const t = now();
    for (const run of runs.values()) {
      for (const call of run.calls.values()) if (call.span?.isRecording() === true) call.span.end(t);
      run.span.end(t);
    }
    runs.clear();
  };
  return listener;
}
