/**
 * A layered layout of one turn's calls for the report's DAG: each call's column is its
 * dependency depth inside the turn; a tall column wraps into sub-columns.
 */

/** A placed call. */
export interface PlacedNode {
  readonly id: string;
  /** Column (dependency depth, with wrapped sub-columns counted). */
  readonly column: number;
  /** Row in its column. */
  readonly row: number;
}

/** The layout: placed calls and the edges among them. */
export interface DagLayout {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
  readonly columns: number;
  readonly rows: number;
}

/**
 * Lays out `calls` (ids with their inputs; inputs outside the list are ignored, as are edges
 * that close a cycle). Iterative (Kahn's order), O(calls + edges).
 *
 * @example
 * layoutDag([{ id: 'a', deps: [] }, { id: 'b', deps: ['a'] }], 50) // a in column 0, b in column 1
 */
export function layoutDag(calls: readonly { readonly id: string; readonly deps: readonly string[] }[], maxRows: number): DagLayout {
  const index = new Map<string, number>();
  calls.forEach((c, i) => {
    if (!index.has(c.id)) index.set(c.id, i);
  });
  const n = calls.length;
  const indegree = new Int32Array(n);
  const dependents: number[][] = calls.map(() => []);
  const edges: { from: string; to: string }[] = [];
  calls.forEach((c, i) => {
    for (const d of new Set(c.deps)) {
      const j = index.get(d);
      if (j === undefined || j === i) continue;
      (dependents[j] as number[]).push(i);
      indegree[i] = (indegree[i] as number) + 1;
      edges.push({ from: d, to: c.id });
    }
  });
  const depth = new Int32Array(n);
  const queue: number[] = [];
  const queued = new Uint8Array(n);
  const enqueue = (i: number): void => {
    queued[i] = 1;
    queue.push(i);
  };
  for (let i = 0; i < n; i++) if (indegree[i] === 0) enqueue(i);
  let scan = 0;
  for (let head = 0; ; head++) {
    if (head === queue.length) {
      // Calls on a cycle: placed after what came before them, in input order.
      while (scan < n && queued[scan] === 1) scan++;
      if (scan === n) break;
      enqueue(scan);
    }
    const v = queue[head] as number;
    for (const w of dependents[v] as number[]) {
      if (queued[w] === 1) continue;
      if ((depth[v] as number) + 1 > (depth[w] as number)) depth[w] = (depth[v] as number) + 1;
      indegree[w] = (indegree[w] as number) - 1;
      if (indegree[w] === 0) enqueue(w);
    }
  }
  const layers: number[][] = [];
  for (let i = 0; i < n; i++) (layers[depth[i] as number] ??= []).push(i);
  const nodes: PlacedNode[] = [];
  let column = 0;
  let rows = 0;
  for (const layer of layers) {
    if (layer === undefined) continue;
    layer.forEach((i, k) => {
      nodes.push({ id: (calls[i] as { id: string }).id, column: column + Math.floor(k / maxRows), row: k % maxRows });
    });
    rows = Math.max(rows, Math.min(layer.length, maxRows));
    column += Math.ceil(layer.length / maxRows);
  }
  return { nodes, edges, columns: column, rows };
}
