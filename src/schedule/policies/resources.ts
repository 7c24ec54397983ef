/**
 * Resource hazards, as in an out-of-order processor: two calls conflict when their resource
 * sets intersect and at least one writes. A call may start only when no earlier conflicting
 * call is unfinished (read-after-write, write-after-read, write-after-write); reads of one
 * resource run together. A call whose resources are not known yet (its args wait on
 * placeholders) conflicts with every later call that writes, or that it writes with.
 */

/** What the tracker needs to know about a call. */
export interface HazardSubject {
  /** Arrival position (plan order). */
  readonly index: number;
  /** True when the call may change something (its tool is not read-only). */
  readonly write: boolean;
  /** Resources it touches; `undefined` while its args are not filled. */
  resources: readonly string[] | undefined;
  /** True once the call reached a terminal state. */
  readonly finished: boolean;
}

/** Most resources one call may name. @default 1024 */
export const MAX_RESOURCES_PER_CALL = 1024;

function insertSorted<N extends HazardSubject>(list: N[], node: N): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as N).index < node.index) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, node);
}

/** The default resources of a call: a write touches `tool:<name>`; a read touches nothing. */
export function defaultResources(tool: string, write: boolean): readonly string[] {
  return write ? [`tool:${tool}`] : [];
}

/** Tracks unfinished calls by resource and answers "what must this call wait for?". */
export class HazardTracker<N extends HazardSubject> {
  private readonly all = new Map<string, N[]>();
  private readonly writers = new Map<string, N[]>();
  private readonly unknown: N[] = [];

  /** Registers a call on arrival (resources known or not). Reads with no resources are not tracked. */
  track(node: N): void {
    if (node.resources === undefined) insertSorted(this.unknown, node);
    else this.index(node, node.resources);
  }

  /** Forgets every call. */
  clear(): void {
    this.all.clear();
    this.writers.clear();
    this.unknown.length = 0;
  }

  /** Records that a call's resources are now known, or changed (an approver edited its args). */
  learn(node: N, resources: readonly string[]): void {
    const i = this.unknown.indexOf(node);
    if (i !== -1) this.unknown.splice(i, 1);
    const old = node.resources;
    if (old !== undefined) this.unindex(node, old);
    node.resources = resources;
    this.index(node, resources);
  }

  private unindex(node: N, resources: readonly string[]): void {
    for (const r of resources) {
      for (const map of [this.all, this.writers]) {
        const list = map.get(r);
        const at = list === undefined ? -1 : list.indexOf(node);
        if (at !== -1) (list as N[]).splice(at, 1);
      }
    }
  }

  private index(node: N, resources: readonly string[]): void {
    for (const r of resources) {
      let list = this.all.get(r);
      if (list === undefined) this.all.set(r, (list = []));
      insertSorted(list, node);
      if (node.write) {
        let w = this.writers.get(r);
        if (w === undefined) this.writers.set(r, (w = []));
        insertSorted(w, node);
      }
    }
  }

  private firstIn(list: N[] | undefined, node: N, accept: (other: N) => boolean): N | undefined {
    if (list === undefined) return undefined;
    while (list.length > 0 && (list[0] as N).finished) list.shift();
    for (const other of list) {
      if (other.index >= node.index) return undefined;
      if (other !== node && !other.finished && accept(other)) return other;
    }
    return undefined;
  }

  /**
   * An earlier unfinished call that `node` conflicts with, or `undefined` when it may start.
   * `accept` lets the caller ignore a candidate (for example one that waits on `node`'s result).
   */
  blocker(node: N, accept: (other: N) => boolean = () => true): N | undefined {
    const resources = node.resources ?? [];
    if (resources.length === 0 && node.resources !== undefined) return undefined;
    for (const other of this.unknown) {
      if (other.index >= node.index) break;
      if (!other.finished && other.resources === undefined && (other.write || node.write) && accept(other)) return other;
    }
    for (const r of resources) {
      const found = this.firstIn(node.write ? this.all.get(r) : this.writers.get(r), node, accept);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /**
   * The conflicts among calls whose resources are known, reduced to the edges that order them
   * (each call waits on the last writer before it and, if it writes, on the reads since then).
   */
  static knownConflicts<M extends HazardSubject>(nodes: readonly M[]): { from: M; to: M; resources: string[] }[] {
    const edges = new Map<M, Map<M, string[]>>();
    const add = (from: M, to: M, r: string): void => {
      let byFrom = edges.get(to);
      if (byFrom === undefined) edges.set(to, (byFrom = new Map()));
      const list = byFrom.get(from);
      if (list === undefined) byFrom.set(from, [r]);
      else list.push(r);
    };
    const state = new Map<string, { writer: M | undefined; reads: M[] }>();
    for (const node of nodes) {
      for (const r of node.resources ?? []) {
        let s = state.get(r);
        if (s === undefined) state.set(r, (s = { writer: undefined, reads: [] }));
        if (node.write) {
          if (s.reads.length > 0) for (const read of s.reads) add(read, node, r);
          else if (s.writer !== undefined) add(s.writer, node, r);
          s.writer = node;
          s.reads = [];
        } else {
          if (s.writer !== undefined) add(s.writer, node, r);
          s.reads.push(node);
        }
      }
    }
    const out: { from: M; to: M; resources: string[] }[] = [];
    for (const [to, byFrom] of edges) for (const [from, resources] of byFrom) out.push({ from, to, resources });
    return out;
  }
}
