/**
 * Run metrics from the observed timings: makespan, the critical path of observed durations
 * (the physical limit of this run), their ratio, peak parallelism and rounds. O(n log n), with
 * typed arrays indexed by arrival position (this runs at the end of every run).
 */
import type { CallNode } from './call-node.js';
import type { RunMetrics } from './events.js';

/** Counters the engine keeps while running. */
export interface RunCounters {
  readonly retries: number;
  readonly hedges: number;
  readonly coalesced: number;
}

/**
 * Peak number of open intervals, given their starts and ends. Ends sort before equal starts,
 * so calls that ran one after another at the same instant (zero-length, synchronous tools) do
 * not count as concurrent — unlike `peakParallelism` in observe/, which counts a zero-length
 * interval as open at its instant (a property test with a global cap of 1 depends on this).
 */
export function peakOverlap(starts: Float64Array, ends: Float64Array): number {
  starts.sort();
  ends.sort();
  let open = 0;
  let peak = 0;
  let j = 0;
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i] as number;
    while (j < ends.length && (ends[j] as number) <= s) {
      j++;
      open--;
    }
    open++;
    if (open > peak) peak = open;
  }
  return peak;
}

/** Computes {@link RunMetrics} for the calls of a run; `nodes[i].index` must be `i`. */
export function computeRunMetrics(nodes: readonly CallNode[], counters: RunCounters): RunMetrics {
  const n = nodes.length;
  let succeeded = 0;
  let failed = 0;
  let skipped = 0;
  let cancelled = 0;
  let rejected = 0;
  let first = Infinity;
  let last = -Infinity;
  let ran = 0;
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  const own = new Float64Array(n);
  const didRun = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const node = nodes[i] as CallNode;
    switch (node.status) {
      case 'succeeded':
        succeeded++;
        break;
      case 'failed':
        failed++;
        break;
      case 'skipped':
        skipped++;
        break;
      case 'cancelled':
        cancelled++;
        break;
      case 'rejected':
        rejected++;
        break;
      case undefined:
        break;
    }
    if (node.startedMs !== undefined && node.endedMs !== undefined && node.coalescedWith === undefined) {
      if (node.startedMs < first) first = node.startedMs;
      if (node.endedMs > last) last = node.endedMs;
      starts[ran] = node.startedMs;
      ends[ran] = node.endedMs;
      ran++;
      own[i] = node.endedMs - node.startedMs;
      didRun[i] = 1;
    }
  }
  const maxParallelism = peakOverlap(starts.subarray(0, ran), ends.subarray(0, ran));
  // Critical path and rounds over the calls that ran, in topological order (Kahn).
  const indegree = new Int32Array(n);
  const order = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) {
    const d = (nodes[i] as CallNode).deps.length;
    indegree[i] = d;
    if (d === 0) order[tail++] = i;
  }
  const path = new Float64Array(n);
  const rounds = new Int32Array(n);
  let criticalPathMs = 0;
  let maxRounds = 0;
  for (let head = 0; head < tail; head++) {
    const i = order[head] as number;
    const node = nodes[i] as CallNode;
    let before = 0;
    let round = 0;
    for (const d of node.deps) {
      const p = path[d.index] as number;
      if (p > before) before = p;
      const r = rounds[d.index] as number;
      if (r > round) round = r;
    }
    const total = before + (own[i] as number);
    path[i] = total;
    const myRound = round + (didRun[i] as number);
    rounds[i] = myRound;
    if (total > criticalPathMs) criticalPathMs = total;
    if (myRound > maxRounds) maxRounds = myRound;
    for (const c of node.dependents) {
      const left = (indegree[c.index] as number) - 1;
      indegree[c.index] = left;
      if (left === 0) order[tail++] = c.index;
    }
  }
  const makespanMs = ran === 0 ? 0 : last - first;
  return {
    calls: n,
    succeeded,
    failed,
    skipped,
    cancelled,
    rejected,
    makespanMs,
    criticalPathMs,
    makespanOverCriticalPath: criticalPathMs > 0 ? makespanMs / criticalPathMs : 1,
    maxParallelism,
    rounds: maxRounds,
    retries: counters.retries,
    hedges: counters.hedges,
    coalesced: counters.coalesced,
  };
}
