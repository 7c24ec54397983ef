/**
 * Metrics of a run from its calls' timings and dependencies: makespan, the critical path of the
 * observed durations, their ratio, peak parallelism, dependency depth, stragglers, rejoin latency and waste.
 * A pure function, O(n log n) in the number of calls plus O(edges), with no recursion, so the
 * scheduler can call it at the end of every run and the report can call it on a trace.
 */
import { ToolgraphError } from '../errors.js';
import { peakParallelism } from './peak-parallelism.js';

/** Default straggler factor: a call slower than 3× the median duration is a straggler. @default 3 */
export const DEFAULT_STRAGGLER_FACTOR = 3;

/** One call's timing, as the scheduler or a trace knows it. Times in ms on one clock. */
export interface CallTiming {
  /** The call's id (ids should be unique; deps resolve to the first call with an id). */
  readonly id: string;
  /** Ids this call waited on. Unknown ids and self references are ignored. */
  readonly deps?: readonly string[];
  /** When it started (absent when it never ran). */
  readonly startedMs?: number;
  /** When it ended. */
  readonly endedMs?: number;
  /** Terminal state: succeeded, failed, skipped, cancelled, rejected (others are counted as given). */
  readonly status?: string;
  /** The tool's name (carried through for display). */
  readonly tool?: string;
  /** When the results of this call's turn were handed back to the model (overrides the input's `rejoinMs`). */
  readonly rejoinMs?: number;
  /** Whether the result went back to the model. @default true when it ended by the rejoin (or there is no rejoin) */
  readonly returned?: boolean;
}

/** What {@link computeCallMetrics} takes. */
export interface CallMetricsInput {
  /** The calls, in plan order. */
  readonly calls: readonly CallTiming[];
  /** When results were handed back to the model, for calls that do not say. */
  readonly rejoinMs?: number;
  /** A call slower than this many times the median duration is a straggler. @default 3 */
  readonly stragglerFactor?: number;
}

/** A call much slower than the median. */
export interface Straggler {
  readonly id: string;
  readonly durationMs: number;
  /** durationMs / median duration. */
  readonly ratio: number;
}

/** A call whose work the model did not use. */
export interface WastedCall {
  readonly id: string;
  /** `late`: its result arrived after the rejoin; `unconsumed`: no later call read it and it was not returned to the model. */
  readonly reason: 'late' | 'unconsumed';
  readonly durationMs: number;
}

/** One rejoin and how long it waited after the last result it needed. */
export interface RejoinLatency {
  /** When the results were handed back. */
  readonly atMs: number;
  /** When the last result that went back arrived. */
  readonly lastNeededMs: number;
  /** atMs - lastNeededMs (negative values are clamped to 0). */
  readonly latencyMs: number;
  /** Calls whose results went back at this rejoin. */
  readonly returned: number;
}

/** What {@link computeCallMetrics} returns. */
export interface CallMetrics {
  /** Number of calls. */
  readonly calls: number;
  /** Calls per status (a prototype-less record). */
  readonly byStatus: Readonly<Record<string, number>>;
  /** Calls that ran (have a start and an end). */
  readonly ran: number;
  /** First start to last end of the calls that ran. */
  readonly makespanMs: number;
  /** Longest dependency chain of observed durations (calls that did not run count 0). */
  readonly criticalPathMs: number;
  /** The ids on one critical path, first to last. */
  readonly criticalPath: readonly string[];
  /** makespanMs / criticalPathMs; 1 when the critical path is 0. */
  readonly makespanOverCriticalPath: number;
  /** Most calls running at one time (a call ending at t does not overlap one starting at t). */
  readonly maxParallelism: number;
  /** Dependency depth that ran: the most calls that ran on one dependency chain. */
  readonly dependencyDepth: number;
  /** @deprecated The same number as {@link CallMetrics.dependencyDepth}; not the sequential rounds (model waits) of `countSequentialRounds`. */
  readonly rounds: number;
  /** Median duration of the calls that ran (0 when none). */
  readonly medianDurationMs: number;
  /** The slowest call that ran, with its ratio to the median (ratio 1 when the median is 0). */
  readonly slowest: Straggler | undefined;
  /** Calls slower than stragglerFactor × median, slowest first (none when the median is 0). */
  readonly stragglers: readonly Straggler[];
  /** Each rejoin that returned at least one result. */
  readonly rejoins: readonly RejoinLatency[];
  /** Sum of the rejoins' latencies; undefined when no rejoin time was given. */
  readonly rejoinLatencyMs: number | undefined;
  /** Calls whose results arrived after their rejoin, or that nothing consumed. */
  readonly waste: readonly WastedCall[];
  /** Total duration of the wasted calls. */
  readonly wastedMs: number;
}

function finite(x: number | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/**
 * Computes {@link CallMetrics}. A call "ran" when it has a finite start and end. Dependencies that
 * close a cycle are ignored for the critical path and rounds (calls on the cycle are taken in
 * input order). Throws `INVALID_OPTION` for a bad stragglerFactor.
 *
 * @example
 * computeCallMetrics({ calls: [
 *   { id: 'a', startedMs: 0, endedMs: 100, status: 'succeeded' },
 *   { id: 'b', deps: ['a'], startedMs: 100, endedMs: 150, status: 'succeeded' },
 * ] }) // makespanMs 150, criticalPathMs 150, dependencyDepth 2, maxParallelism 1
 */
export function computeCallMetrics(input: CallMetricsInput): CallMetrics {
  const factor = input.stragglerFactor ?? DEFAULT_STRAGGLER_FACTOR;
  if (!finite(factor) || factor <= 0) throw new ToolgraphError('INVALID_OPTION', `expected \`stragglerFactor\` to be a positive number, got \`${String(input.stragglerFactor)}\``);
  const calls = input.calls;
  const n = calls.length;
  const indexOf = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const id = (calls[i] as CallTiming).id;
    if (!indexOf.has(id)) indexOf.set(id, i);
  }
  const byStatus = Object.create(null) as Record<string, number>;
  const own = new Float64Array(n);
  const didRun = new Uint8Array(n);
  const intervals: { start: number; end: number }[] = [];
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    const c = calls[i] as CallTiming;
    const status = c.status ?? 'unknown';
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (finite(c.startedMs) && finite(c.endedMs)) {
      const end = Math.max(c.startedMs, c.endedMs);
      didRun[i] = 1;
      own[i] = end - c.startedMs;
      intervals.push({ start: c.startedMs, end });
      if (c.startedMs < first) first = c.startedMs;
      if (end > last) last = end;
    }
  }
  const ran = intervals.length;
  // Dependencies by index, and who consumes each call.
  const deps: number[][] = new Array<number[]>(n);
  const children: number[][] = new Array<number[]>(n);
  for (let i = 0; i < n; i++) children[i] = [];
  const indegree = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const mine: number[] = [];
    const ids = (calls[i] as CallTiming).deps ?? [];
    // Duplicates: a linear check for the usual handful of deps, a set beyond that.
    const seen = ids.length > 16 ? new Set<number>() : undefined;
    for (const id of ids) {
      const d = indexOf.get(id);
      if (d === undefined || d === i || (seen === undefined ? mine.includes(d) : seen.has(d))) continue;
      seen?.add(d);
      mine.push(d);
      (children[d] as number[]).push(i);
    }
    deps[i] = mine;
    indegree[i] = mine.length;
  }
  // Kahn's order; calls left on cycles follow in input order.
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) order.push(i);
  for (let head = 0; head < order.length; head++) {
    for (const c of children[order[head] as number] as number[]) {
      const left = (indegree[c] as number) - 1;
      indegree[c] = left;
      if (left === 0) order.push(c);
    }
  }
  if (order.length < n) for (let i = 0; i < n; i++) if ((indegree[i] as number) > 0) order.push(i);
  const path = new Float64Array(n);
  const depth = new Int32Array(n);
  const via = new Int32Array(n).fill(-1);
  const done = new Uint8Array(n);
  let end = -1;
  let rounds = 0;
  for (const i of order) {
    let before = 0;
    let from = -1;
    let round = 0;
    for (const d of deps[i] as number[]) {
      if (done[d] === 0) continue;
      if (from === -1 || (path[d] as number) > before) {
        before = path[d] as number;
        from = d;
      }
      if ((depth[d] as number) > round) round = depth[d] as number;
    }
    path[i] = before + (own[i] as number);
    via[i] = from;
    depth[i] = round + (didRun[i] as number);
    done[i] = 1;
    if (end === -1 || (path[i] as number) > (path[end] as number)) end = i;
    if ((depth[i] as number) > rounds) rounds = depth[i] as number;
  }
  const criticalPath: string[] = [];
  for (let v = end; v !== -1 && criticalPath.length < n; v = via[v] as number) criticalPath.push((calls[v] as CallTiming).id);
  criticalPath.reverse();
  const criticalPathMs = end === -1 ? 0 : (path[end] as number);
  const makespanMs = ran === 0 ? 0 : last - first;

  // Durations: median, slowest, stragglers.
  const ranIdx: number[] = [];
  for (let i = 0; i < n; i++) if (didRun[i] === 1) ranIdx.push(i);
  const durations = ranIdx.map((i) => own[i] as number).sort((a, b) => a - b);
  const mid = durations.length >> 1;
  const median = durations.length === 0 ? 0 : durations.length % 2 === 1 ? (durations[mid] as number) : ((durations[mid - 1] as number) + (durations[mid] as number)) / 2;
  let slowest: Straggler | undefined;
  const stragglers: Straggler[] = [];
  for (const i of ranIdx) {
    const d = own[i] as number;
    const s = { id: (calls[i] as CallTiming).id, durationMs: d, ratio: median > 0 ? d / median : 1 };
    if (slowest === undefined || d > slowest.durationMs) slowest = s;
    if (median > 0 && d > factor * median) stragglers.push(s);
  }
  stragglers.sort((a, b) => b.ratio - a.ratio);

  // Rejoins and waste.
  const groups = new Map<number, { last: number; returned: number }>();
  const waste: WastedCall[] = [];
  let wastedMs = 0;
  let anyRejoin = false;
  for (let i = 0; i < n; i++) {
    const c = calls[i] as CallTiming;
    const rejoin = finite(c.rejoinMs) ? c.rejoinMs : input.rejoinMs;
    if (finite(rejoin)) anyRejoin = true;
    const ended = finite(c.endedMs) ? c.endedMs : undefined;
    const late = finite(rejoin) && ended !== undefined && ended > rejoin;
    const returned = c.returned ?? (ended === undefined ? false : !late);
    if (finite(rejoin) && returned && !late && ended !== undefined && didRun[i] === 1) {
      const g = groups.get(rejoin) ?? { last: -Infinity, returned: 0 };
      if (ended > g.last) g.last = ended;
      g.returned++;
      groups.set(rejoin, g);
    }
    if (didRun[i] !== 1) continue;
    const consumed = (children[i] as number[]).length > 0 || returned;
    if (late) waste.push({ id: c.id, reason: 'late', durationMs: own[i] as number });
    else if (!consumed && (c.status ?? 'succeeded') === 'succeeded') waste.push({ id: c.id, reason: 'unconsumed', durationMs: own[i] as number });
    else continue;
    wastedMs += own[i] as number;
  }
  const rejoins: RejoinLatency[] = [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([atMs, g]) => ({ atMs, lastNeededMs: g.last, latencyMs: Math.max(0, atMs - g.last), returned: g.returned }));
  const rejoinLatencyMs = anyRejoin ? rejoins.reduce((sum, r) => sum + r.latencyMs, 0) : undefined;

  return {
    calls: n,
    byStatus,
    ran,
    makespanMs,
    criticalPathMs,
    criticalPath,
    makespanOverCriticalPath: criticalPathMs > 0 ? makespanMs / criticalPathMs : 1,
    maxParallelism: peakParallelism(intervals),
    rounds,
    dependencyDepth: rounds,
    medianDurationMs: median,
    slowest,
    stragglers,
    rejoins,
    rejoinLatencyMs,
    waste,
    wastedMs,
  };
}
