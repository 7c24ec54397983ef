/**
 * Static analysis of a valid plan: topological levels, width, the critical path for given
 * latency estimates, and each call's rank (the longest path from it to a sink, itself included),
 * which the scheduler uses as its priority.
 */
import { dependents, topologicalOrder, type IndexDag } from './dag.js';

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

/**
 * Analyzes a DAG given each call's latency estimate (default 1).
 *
 * @example
 * analyzeDag({ deps: [[], [], [0, 1]] }).criticalPathLength // 2
 */
export function analyzeDag(dag: IndexDag, latency: (index: number) => number = () => 1): DagAnalysis {
  const n = dag.deps.length;
  const { order, leftover } = topologicalOrder(dag);
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
  const widths = new Map<number, number>();
  let maxWidth = 0;
  for (const l of levels) {
    const w = (widths.get(l) ?? 0) + 1;
    widths.set(l, w);
    if (w > maxWidth) maxWidth = w;
  }
  const criticalPath: number[] = [];
  for (let v = end; v !== -1; v = via[v] as number) criticalPath.push(v);
  criticalPath.reverse();
  const children = dependents(dag);
  const rank = new Array<number>(n).fill(0);
  for (let k = order.length - 1; k >= 0; k--) {
    const v = order[k] as number;
    let best = 0;
    for (const c of children[v] as number[]) if ((rank[c] as number) > best) best = rank[c] as number;
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
