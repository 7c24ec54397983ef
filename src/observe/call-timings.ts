/**
 * Turns what a run left behind — its events, its RunResult, or a trace — into {@link CallTiming}s
 * for {@link computeCallMetrics}.
 */
import { isTerminalEvent, type RunEvent } from '../schedule/events.js';
import type { RunResult } from '../schedule/run-result.js';
import type { CallTiming } from './call-metrics.js';
import { isToolCallEntry, isToolResponseEntry, type TraceLike } from './trace-entry.js';

/**
 * Dependencies of each call: a Map or record from id to the ids it waits on, or a validated plan
 * (anything with `calls: { id, deps }[]`, such as `ValidPlan`).
 */
export type DepsSource =
  | ReadonlyMap<string, readonly string[]>
  | Readonly<Record<string, readonly string[]>>
  | { readonly calls: readonly { readonly id: string; readonly deps: readonly string[] }[] };

/** A lookup from id to dependencies. */
export function depsLookup(source: DepsSource | undefined): (id: string) => readonly string[] | undefined {
  if (source === undefined) return () => undefined;
  if (source instanceof Map) return (id) => source.get(id);
  const maybePlan = source as { calls?: unknown };
  if (Object.hasOwn(source, 'calls') && Array.isArray(maybePlan.calls)) {
    const map = new Map<string, readonly string[]>();
    for (const c of maybePlan.calls as { id: string; deps: readonly string[] }[]) if (!map.has(c.id)) map.set(c.id, c.deps);
    return (id) => map.get(id);
  }
  const record = source as Readonly<Record<string, readonly string[]>>;
  return (id) => (Object.hasOwn(record, id) ? record[id] : undefined);
}

/**
 * Call timings from a run's events, in the order calls first appear. A call's start is its first
 * `call_started`; its end and status come from its terminal event.
 *
 * @example
 * computeCallMetrics({ calls: callTimingsFromEvents(events, plan) })
 */
export function callTimingsFromEvents(events: Iterable<RunEvent>, deps?: DepsSource): CallTiming[] {
  const lookup = depsLookup(deps);
  const byId = new Map<string, { id: string; tool: string; startedMs?: number; endedMs?: number; status?: string }>();
  for (const event of events) {
    if (!('callId' in event)) continue;
    let c = byId.get(event.callId);
    if (c === undefined) {
      c = { id: event.callId, tool: event.tool };
      byId.set(event.callId, c);
    }
    if (event.type === 'call_started' && c.startedMs === undefined) c.startedMs = event.t;
    else if (isTerminalEvent(event)) {
      c.endedMs = event.t;
      c.status = event.type.slice('call_'.length);
    }
  }
  return [...byId.values()].map((c) => {
    const d = lookup(c.id);
    return { ...c, ...(d === undefined ? {} : { deps: d }) };
  });
}

/**
 * Call timings from a RunResult, in arrival order.
 *
 * @example
 * computeCallMetrics({ calls: callTimingsFromResult(await run(plan, { tools }), plan) })
 */
export function callTimingsFromResult(result: RunResult, deps?: DepsSource): CallTiming[] {
  const lookup = depsLookup(deps);
  const out: CallTiming[] = [];
  for (const id of result.order) {
    const c = result.calls[id];
    if (c === undefined) continue;
    const d = lookup(id);
    out.push({
      id,
      tool: c.tool,
      status: c.status,
      ...(c.startedMs === undefined ? {} : { startedMs: c.startedMs }),
      ...(c.endedMs === undefined ? {} : { endedMs: c.endedMs }),
      ...(d === undefined ? {} : { deps: d }),
    });
  }
  return out;
}

/** A call read from a trace, with its turn and (display) id. */
export interface TraceCallTiming extends CallTiming {
  /** The id written in the trace (`id` is made unique: a repeated id gets `#2`, `#3`, ...). */
  readonly traceId: string;
  /** The model turn that asked for it (0 when the trace does not say). */
  readonly turn: number;
  /** True when the trace has no tool_response for it. */
  readonly unanswered: boolean;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * Call timings from a trace. A call's end is its tool_response's `t`; its start is `t - duration_ms`
 * (or the tool_call's `t` when the response has no duration); a call with `duration_ms` 0 and a
 * status other than succeeded/failed never ran. Dependencies are the tool_call's `deps` when
 * written; otherwise every call of the previous model turn that had calls (the model read those
 * results before asking), and none within a turn. A rejoin entry sets the rejoin time of its
 * turn's calls and which were returned. Repeated ids are made unique; responses to unknown ids are
 * ignored.
 *
 * @example
 * computeCallMetrics({ calls: callTimingsFromTrace(parseTrace(text)) })
 */
export function callTimingsFromTrace(trace: Iterable<TraceLike>): TraceCallTiming[] {
  interface Mutable {
    id: string;
    traceId: string;
    tool: string;
    turn: number;
    callT: number | undefined;
    deps: string[] | undefined;
    startedMs?: number;
    endedMs?: number;
    status?: string;
    unanswered: boolean;
    rejoinMs?: number;
    returned?: boolean;
  }
  const calls: Mutable[] = [];
  const latest = new Map<string, Mutable>();
  const seenCount = new Map<string, number>();
  const rejoins: { turn: number; t: number; returned: Set<string> | undefined }[] = [];
  let lastTurn = 0;
  for (const entry of trace) {
    if (entry.type === 'assistant_message') {
      const turn = num(entry['turn']);
      if (turn !== undefined) lastTurn = turn;
    } else if (isToolCallEntry(entry)) {
      const count = (seenCount.get(entry.id) ?? 0) + 1;
      seenCount.set(entry.id, count);
      const deps = Array.isArray(entry['deps']) ? (entry['deps'] as unknown[]).filter((d): d is string => typeof d === 'string') : undefined;
      const c: Mutable = {
        id: count === 1 ? entry.id : `${entry.id}#${count}`,
        traceId: entry.id,
        tool: typeof entry['name'] === 'string' ? entry['name'] : '?',
        turn: num(entry['turn']) ?? lastTurn,
        callT: num(entry['t']),
        deps,
        unanswered: true,
      };
      calls.push(c);
      latest.set(entry.id, c);
    } else if (isToolResponseEntry(entry)) {
      const c = latest.get(entry.call_id);
      if (c === undefined || !c.unanswered) continue;
      c.unanswered = false;
      const status = typeof entry['status'] === 'string' ? entry['status'] : 'unknown';
      c.status = status;
      const t = num(entry['t']);
      const duration = num(entry['duration_ms']);
      if (t !== undefined) {
        c.endedMs = t;
        const neverRan = duration === 0 && status !== 'succeeded' && status !== 'failed';
        if (!neverRan) c.startedMs = duration !== undefined ? t - duration : (c.callT ?? t);
      }
    } else if (entry.type === 'rejoin') {
      const t = num(entry['t']);
      const turn = num(entry['turn']) ?? lastTurn;
      const returned = Array.isArray(entry['returned']) ? new Set((entry['returned'] as unknown[]).filter((x): x is string => typeof x === 'string')) : undefined;
      if (t !== undefined) rejoins.push({ turn, t, returned });
    }
  }
  // Later rejoin entries of a turn override earlier ones.
  const rejoinOf = new Map<number, { t: number; returned: Set<string> | undefined }>();
  for (const r of rejoins) rejoinOf.set(r.turn, r);
  // Implicit dependencies: the calls of the previous turn that had calls.
  const turnsInOrder = [...new Set(calls.map((c) => c.turn))].sort((a, b) => a - b);
  const idsOfTurn = new Map<number, string[]>();
  for (const c of calls) {
    const list = idsOfTurn.get(c.turn) ?? [];
    list.push(c.id);
    idsOfTurn.set(c.turn, list);
  }
  const previous = new Map<number, string[]>();
  for (let k = 1; k < turnsInOrder.length; k++) previous.set(turnsInOrder[k] as number, idsOfTurn.get(turnsInOrder[k - 1] as number) ?? []);
  return calls.map((c) => {
    const r = rejoinOf.get(c.turn);
    return {
      id: c.id,
      traceId: c.traceId,
      tool: c.tool,
      turn: c.turn,
      unanswered: c.unanswered,
      deps: c.deps ?? previous.get(c.turn) ?? [],
      ...(c.status === undefined ? {} : { status: c.status }),
      ...(c.startedMs === undefined ? {} : { startedMs: c.startedMs }),
      ...(c.endedMs === undefined ? {} : { endedMs: c.endedMs }),
      ...(r === undefined ? {} : { rejoinMs: r.t }),
      ...(r?.returned === undefined ? {} : { returned: r.returned.has(c.traceId) }),
    };
  });
}
