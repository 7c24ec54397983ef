/**
 * The ready queue of a contended tool: a binary heap of calls ordered by rank (highest
 * first), then arrival position. It holds only numbers — each call's rank and position, in
 * two typed arrays — and gives calls back through a lookup by position: sifting compares and
 * moves numbers in compact arrays, never touches a call object (with thousands of calls ready
 * at once, a comparison that read `rank` off two calls cost a cache miss each) and stores no
 * object reference (each such store in a sift paid V8's write barrier).
 */

import { grown } from './grown.js';

/** What the heap reads of a call, once, when it is pushed. */
export interface Ranked {
  /** Arrival position: breaks ties between equal ranks, earlier first. */
  readonly index: number;
}

/**
 * A max-heap on rank, ties broken by the lower `index`. A call's rank is given when it is
 * pushed (the longest remaining path under the latency estimates: higher comes out first);
 * `callAt` gives back the call at a position (positions are unique while queued).
 *
 * @example
 * const calls = [{ index: 0 }, { index: 1 }]
 * const heap = new RankHeap((i) => calls[i])
 * heap.push(calls[0], 1)
 * heap.push(calls[1], 5)
 * heap.pop() // { index: 1 }
 */
export class RankHeap<T extends Ranked> {
  private ranks = new Float64Array(16);
  private order = new Int32Array(16);
  private n = 0;

  constructor(private readonly callAt: (index: number) => T) {}

  /** Number of calls queued. */
  get size(): number {
    return this.n;
  }

  /** The call that comes out next, without removing it. */
  peek(): T | undefined {
    return this.n > 0 ? this.callAt(this.order[0] as number) : undefined;
  }

  /** Queues a call with its rank. */
  push(item: T, rank: number): void {
    if (this.n === this.ranks.length) this.grow();
    const ranks = this.ranks;
    const order = this.order;
    const index = item.index;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pr = ranks[parent] as number;
      if (pr > rank || (pr === rank && (order[parent] as number) < index)) break;
      ranks[i] = pr;
      order[i] = order[parent] as number;
      i = parent;
    }
    ranks[i] = rank;
    order[i] = index;
  }

  /** Removes and returns the call that comes out first. */
  pop(): T | undefined {
    const n = this.n;
    if (n === 0) return undefined;
    const ranks = this.ranks;
    const order = this.order;
    const top = order[0] as number;
    const last = n - 1;
    this.n = last;
    const rank = ranks[last] as number;
    const index = order[last] as number;
    if (last > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) break;
        const r = l + 1;
        let c = l;
        if (r < last) {
          const rr = ranks[r] as number;
          const lr = ranks[l] as number;
          if (rr > lr || (rr === lr && (order[r] as number) < (order[l] as number))) c = r;
        }
        const cr = ranks[c] as number;
        if (!(cr > rank || (cr === rank && (order[c] as number) < index))) break;
        ranks[i] = cr;
        order[i] = order[c] as number;
        i = c;
      }
      ranks[i] = rank;
      order[i] = index;
    }
    return this.callAt(top);
  }

  /** Removes every call and returns them (in no particular order). */
  drain(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.n; i++) out.push(this.callAt(this.order[i] as number));
    this.n = 0;
    return out;
  }

  private grow(): void {
    this.ranks = grown(this.ranks, 0);
    this.order = grown(this.order, this.ranks.length);
  }
}
