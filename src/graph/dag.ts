/**
 * The plan's dependency structure in index form (call i waits on calls `deps[i]`), and the
 * iterative passes over it: topological order (Kahn) and cycle finding (Tarjan). Nothing here
 * recurses, so a 100,000-call chain is as safe as a 3-call one.
 */

/** A DAG over calls 0..n-1: `deps[i]` are the calls that call i waits on. */
export interface IndexDag {
  /** For each call, the indices of the calls it waits on (no duplicates). */
  readonly deps: readonly (readonly number[])[];
}

/** Builds the reverse adjacency: for each call, the calls that wait on it. */
export function dependents(dag: IndexDag): number[][] {
  const out: number[][] = dag.deps.map(() => []);
  dag.deps.forEach((ds, i) => {
    for (const d of ds) (out[d] as number[]).push(i);
  });
  return out;
}

/**
 * Kahn's algorithm. Returns the order (ties broken by plan order), the calls left over, which
 * are on or behind a cycle, and the reverse adjacency it built (see {@link dependents}).
 *
 * @example
 * topologicalOrder({ deps: [[], [0], [1]] }) // { order: [0, 1, 2], leftover: [] }
 */
export function topologicalOrder(dag: IndexDag): { order: number[]; leftover: number[]; children: number[][] } {
  const n = dag.deps.length;
  const indegree = new Int32Array(n);
  const children = dependents(dag);
  for (let i = 0; i < n; i++) indegree[i] = (dag.deps[i] as readonly number[]).length;
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) order.push(i);
  for (let head = 0; head < order.length; head++) {
    for (const c of children[order[head] as number] as number[]) {
      indegree[c] = (indegree[c] as number) - 1;
      if (indegree[c] === 0) order.push(c);
    }
  }
  const leftover: number[] = [];
  if (order.length < n) for (let i = 0; i < n; i++) if ((indegree[i] as number) > 0) leftover.push(i);
  return { order, leftover, children };
}

/**
 * Finds one cycle in each strongly connected component with more than one call (iterative
 * Tarjan). Each cycle lists calls in dependency order, starting at the earliest call in plan
 * order: each waits on the one before it, and the first waits on the last.
 */
export function findCycles(dag: IndexDag, among: readonly number[]): number[][] {
  const n = dag.deps.length;
  const inScope = new Uint8Array(n);
  for (const i of among) inScope[i] = 1;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (const root of among) {
    if (index[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const frame = work[work.length - 1] as [number, number];
      const [v, i] = frame;
      const ds = dag.deps[v] as readonly number[];
      if (i < ds.length) {
        frame[1] = i + 1;
        const w = ds[i] as number;
        if (!inScope[w]) continue;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v] as number, index[w] as number);
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent[0]] = Math.min(low[parent[0]] as number, low[v] as number);
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        const selfLoop = (dag.deps[v] as readonly number[]).includes(v);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }
  return components.map((component) => cycleWithin(dag, component));
}

/** Walks dependencies inside one component until a call repeats; returns that loop. */
function cycleWithin(dag: IndexDag, component: readonly number[]): number[] {
  const members = new Set(component);
  const start = component.reduce((a, b) => (b < a ? b : a));
  const position = new Map<number, number>();
  const walk: number[] = [];
  let v = start;
  while (!position.has(v)) {
    position.set(v, walk.length);
    walk.push(v);
    const next = (dag.deps[v] as readonly number[]).find((d) => members.has(d));
    v = next as number;
  }
  // walk[k] waits on walk[k+1]; reverse so each call waits on the one before it, then start
  // at the earliest call in plan order so the same cycle always reads the same way.
  const cycle = walk.slice(position.get(v)).reverse();
  const first = cycle.indexOf(cycle.reduce((a, b) => (b < a ? b : a)));
  return [...cycle.slice(first), ...cycle.slice(0, first)];
}
