/**
 * Static analysis of a valid plan: topological levels, width, the critical path for given
 * latency estimates, and each call's rank (the longest path from it to a sink, itself included),
 * which the scheduler uses as its priority.
 */
import { topologicalOrder, type IndexDag } from './dag.js';

/** The analysis of a DAG. */
export interface DagAnalysis {
  /** A topological order of the calls (ties in plan order). */
  readonly order: readonly number[];
  /** Level of each call: 0 for calls with no dependencies, else 1 + the deepest dependency. */
  readonly levels: readonly number[];
  /** Number of levels (sequential rounds the plan needs). */
  readonly depth: number;
  /** The most calls on one level. */
  readonly maxWidth: number;
  /** Length of the critical path in the latency unit given (1 per call by default). */
  readonly criticalPathLength: number;
  /** Calls on one critical path, first to last. */
  readonly criticalPath: readonly number[];
  /** Longest remaining path from each call to a sink, its own latency included. */
  readonly rank: readonly number[];
}

/** A topological pass already made over the same DAG (what {@link topologicalOrder} returns). */
export interface TopologicalPass {
  /** The calls in a topological order. */
  readonly order: readonly number[];
  /** Calls on or behind a cycle (none for a DAG). */
  readonly leftover: readonly number[];
  /** For each call, the calls that wait on it. */
  readonly children: readonly (readonly number[])[];
}

/**
 * Analyzes a DAG given each call's latency estimate (default 1). Pass `pass` when the
 * topological order of this DAG is at hand already (validation makes one), to not make it twice.
 *
 * @example
 * analyzeDag({ deps: [[], [], [0, 1]] }).criticalPathLength // 2
 */
export function analyzeDag(dag: IndexDag, latency: (index: number) => number = () => 1, pass: TopologicalPass = topologicalOrder(dag)): DagAnalysis {
  const n = dag.deps.length;
  const { order, leftover, children } = pass;
  if (leftover.length > 0) throw new Error('analyzeDag needs an acyclic graph');
  const levels = new Array<number>(n).fill(0);
  const finish = new Float64Array(n);
  const via = new Int32Array(n).fill(-1);
  const lat = new Float64Array(n);
  for (let i = 0; i < n; i++) lat[i] = latency(i);
  let depth = 0;
  let end = -1;
  for (const v of order) {
    let level = 0;
    let start = 0;
    for (const d of dag.deps[v] as readonly number[]) {
      const l = (levels[d] as number) + 1;
      if (l > level) level = l;
      if (via[v] === -1 || (finish[d] as number) > start) {
        start = finish[d] as number;
        via[v] = d;
      }
    }
    levels[v] = level;
    if (level + 1 > depth) depth = level + 1;
    finish[v] = start + (lat[v] as number);
    if (end === -1 || (finish[v] as number) > (finish[end] as number)) end = v;
  }
  const widths = new Int32Array(depth);
  let maxWidth = 0;
  for (let i = 0; i < n; i++) {
    const l = levels[i] as number;
    const w = (widths[l] as number) + 1;
    widths[l] = w;
    if (w > maxWidth) maxWidth = w;
  }
  const criticalPath: number[] = [];
  for (let v = end; v !== -1; v = via[v] as number) criticalPath.push(v);
  criticalPath.reverse();
  const rank = new Array<number>(n).fill(0);
  for (let k = order.length - 1; k >= 0; k--) {
    const v = order[k] as number;
    let best = 0;
    for (const c of children[v] as readonly number[]) if ((rank[c] as number) > best) best = rank[c] as number;
    rank[v] = best + (lat[v] as number);
  }
  return {
    order,
    levels,
    depth: n === 0 ? 0 : depth,
    maxWidth,
    criticalPathLength: end === -1 ? 0 : (finish[end] as number),
    criticalPath,
    rank,
  };
}
