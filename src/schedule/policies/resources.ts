/**
 * Resource hazards, as in an out-of-order processor: two calls conflict when their resource
 * sets intersect and at least one writes. A call may start only when no earlier conflicting
 * call is unfinished (read-after-write, write-after-read, write-after-write); reads of one
 * resource run together. A call whose resources are not known yet (its args wait on
 * placeholders) conflicts with every later call that writes, or that it writes with.
 */

import { workCounters } from '../work-counters.js';

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
  /**
   * True once the call holds its resources no more: it finished and no execution of it is
   * still running (a tool that ignored its abort signal). Without it, `finished` is used.
   */
  readonly released?: boolean;
}

/** Most resources one call may name. @default 1024 */
export const MAX_RESOURCES_PER_CALL = 1024;

/**
 * Unfinished calls in plan order. Calls arrive (and mostly finish) in plan order: adding at the
 * end and removing at the front are O(1) (a head offset); others are a binary search.
 */
class OrderedCalls<N extends HazardSubject> {
  private items: (N | undefined)[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  /** Position of the first entry with an index >= `index` (binary search). */
  private lowerBound(index: number, work: HazardWork): number {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      work.steps++;
      const mid = (lo + hi) >> 1;
      if ((this.items[mid] as N).index < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(node: N, work: HazardWork): void {
    const items = this.items;
    const last = items.length > this.head ? items[items.length - 1] : undefined;
    if (last === undefined || last.index < node.index) items.push(node);
    else items.splice(this.lowerBound(node.index, work), 0, node);
  }

  remove(node: N, work: HazardWork): void {
    const at = this.lowerBound(node.index, work);
    if (this.items[at] !== node) return;
    if (at === this.head) {
      this.items[at] = undefined;
      this.head++;
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
    } else this.items.splice(at, 1);
  }

  /**
   * The latest unfinished call before `node` that `match`es: the one that will most likely
   * finish last, so that `node`, parked behind it, is woken once rather than by each call
   * before it in turn.
   */
  nearestBefore(node: N, match: (other: N) => boolean, work: HazardWork): N | undefined {
    for (let i = this.lowerBound(node.index, work) - 1; i >= this.head; i--) {
      work.steps++;
      const other = this.items[i] as N;
      if (!(other.released ?? other.finished) && other !== node && match(other)) return other;
    }
    return undefined;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/** Work done by a {@link HazardTracker} (comparisons and list steps), for tests that count it. */
export interface HazardWork {
  steps: number;
}

/** The default resources of a call: a write touches `tool:<name>`; a read touches nothing. */
export function defaultResources(tool: string, write: boolean): readonly string[] {
  return write ? [`tool:${tool}`] : [];
}

/**
 * Tracks unfinished calls by resource and answers "what must this call wait for?". Work per
 * call is bounded by its resources times a binary search (see {@link HazardWork}).
 */
export class HazardTracker<N extends HazardSubject> {
  private readonly all = new Map<string, OrderedCalls<N>>();
  private readonly writers = new Map<string, OrderedCalls<N>>();
  /** Calls whose resources are not known yet, and those of them that write. */
  private readonly unknown = new OrderedCalls<N>();
  private readonly unknownWriters = new OrderedCalls<N>();
  /**
   * Calls that started executing and have not let go yet, by resource (all, and writers): a
   * call that overtook an earlier one (which waited on it) is found here by that earlier one.
   */
  private readonly activeAll = new Map<string, Set<N>>();
  private readonly activeWriters = new Map<string, Set<N>>();
  /** Work counter (steps of list searches and scans): process-wide, see {@link workCounters}. */
  readonly work: HazardWork = workCounters;

  /** Registers a call on arrival (resources known or not). Reads with no resources are not tracked. */
  track(node: N): void {
    if (node.resources === undefined) {
      this.unknown.add(node, this.work);
      if (node.write) this.unknownWriters.add(node, this.work);
    } else this.index(node, node.resources);
  }

  /** Forgets every call. */
  clear(): void {
    this.all.clear();
    this.writers.clear();
    this.unknown.clear();
    this.unknownWriters.clear();
    this.activeAll.clear();
    this.activeWriters.clear();
  }

  /** Records that a call started executing: it conflicts with every call that meets its resources, earlier or later, until {@link forget}. */
  activate(node: N): void {
    for (const r of node.resources ?? []) {
      let all = this.activeAll.get(r);
      if (all === undefined) this.activeAll.set(r, (all = new Set()));
      all.add(node);
      if (node.write) {
        let w = this.activeWriters.get(r);
        if (w === undefined) this.activeWriters.set(r, (w = new Set()));
        w.add(node);
      }
    }
  }

  /** Forgets a call that finished: it blocks nothing any more, and is never scanned again. */
  forget(node: N): void {
    const resources = node.resources;
    for (const r of resources ?? []) {
      const all = this.activeAll.get(r);
      if (all !== undefined && all.delete(node) && all.size === 0) this.activeAll.delete(r);
      const w = this.activeWriters.get(r);
      if (w !== undefined && w.delete(node) && w.size === 0) this.activeWriters.delete(r);
    }
    if (resources === undefined) {
      this.unknown.remove(node, this.work);
      if (node.write) this.unknownWriters.remove(node, this.work);
    } else this.unindex(node, resources);
  }

  /** Records that a call's resources are now known, or changed (an approver edited its args). */
  learn(node: N, resources: readonly string[]): void {
    const old = node.resources;
    if (old === undefined) {
      this.unknown.remove(node, this.work);
      if (node.write) this.unknownWriters.remove(node, this.work);
    } else this.unindex(node, old);
    node.resources = resources;
    this.index(node, resources);
  }

  private unindex(node: N, resources: readonly string[]): void {
    for (const r of resources) {
      this.all.get(r)?.remove(node, this.work);
      if (node.write) this.writers.get(r)?.remove(node, this.work);
    }
  }

  private index(node: N, resources: readonly string[]): void {
    for (const r of resources) {
      let list = this.all.get(r);
      if (list === undefined) this.all.set(r, (list = new OrderedCalls<N>()));
      list.add(node, this.work);
      if (node.write) {
        let w = this.writers.get(r);
        if (w === undefined) this.writers.set(r, (w = new OrderedCalls<N>()));
        w.add(node, this.work);
      }
    }
  }

  /**
   * An earlier unfinished call that `node` conflicts with, or `undefined` when it may start:
   * the latest such call (parked behind it, `node` is woken once, when it is likely free).
   * `accept` lets the caller ignore a candidate (for example one that waits on `node`'s result).
   */
  blocker(node: N, accept: (other: N) => boolean = () => true): N | undefined {
    const resources = node.resources ?? [];
    if (resources.length === 0 && node.resources !== undefined) return undefined;
    const work = this.work;
    // An earlier call with unknown resources conflicts when either writes.
    let best = (node.write ? this.unknown : this.unknownWriters).nearestBefore(node, (o) => o.resources === undefined && accept(o), work);
    for (const r of resources) {
      const list = node.write ? this.all.get(r) : this.writers.get(r);
      const found = list?.nearestBefore(node, accept, work);
      if (found !== undefined && (best === undefined || found.index > best.index)) best = found;
    }
    if (best !== undefined) return best;
    // A later call that overtook this one (this one waited on it then) and still executes.
    for (const r of resources) {
      const active = node.write ? this.activeAll.get(r) : this.activeWriters.get(r);
      if (active === undefined) continue;
      for (const other of active) {
        work.steps++;
        if (other !== node && !(other.released ?? other.finished) && accept(other)) return other;
      }
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
