import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RankHeap, type Ranked } from '../../src/schedule/rank-heap.js';

/** A call with the rank it is pushed with, kept here to check the order. */
type Item = Ranked & { readonly rank: number };

/** Highest rank first, then the lower index: the order the heap promises. */
const best = (a: Item, b: Item): number => b.rank - a.rank || a.index - b.index;

describe('RankHeap', () => {
  it('pops like a sorted list under any mix of pushes, pops and drains, across growth (property)', () => {
    // Few distinct ranks, so ties (broken by index) are common.
    const op = fc.oneof(
      { weight: 3, arbitrary: fc.record({ rank: fc.constantFrom(0, 1, 2.5, 7, 1e9) }) },
      { weight: 2, arbitrary: fc.constant('pop' as const) },
      { weight: 1, arbitrary: fc.constant('drain' as const) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const pushed: Item[] = [];
        const heap = new RankHeap<Item>((i) => pushed[i] as Item);
        let model: Item[] = [];
        let next = 0;
        for (const o of ops) {
          if (o === 'pop') {
            model.sort(best);
            expect(heap.pop()).toBe(model.shift());
          } else if (o === 'drain') {
            expect(heap.drain().sort(best)).toEqual(model.sort(best));
            model = [];
          } else {
            const item = { rank: o.rank, index: next++ };
            pushed.push(item);
            heap.push(item, item.rank);
            model.push(item);
          }
          expect(heap.size).toBe(model.length);
          expect(heap.peek()).toBe([...model].sort(best)[0]);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('breaks ties by arrival position even when pushed out of order', () => {
    const heap = new RankHeap<Ranked>((index) => ({ index }));
    for (const index of [5, 3, 9, 0, 7]) heap.push({ index }, 1);
    heap.push({ index: 8 }, 2);
    const out: number[] = [];
    for (let x = heap.pop(); x !== undefined; x = heap.pop()) out.push(x.index);
    expect(out).toEqual([8, 0, 3, 5, 7, 9]);
    expect(heap.pop()).toBeUndefined();
    expect(heap.peek()).toBeUndefined();
  });

  it('holds numbers only: the calls it gives out come from the lookup by position, also when drained', () => {
    const calls = [{ index: 0 }, { index: 1 }, { index: 2 }];
    const heap = new RankHeap<Ranked>((i) => calls[i] as Ranked);
    heap.push(calls[0] as Ranked, 1);
    heap.push(calls[1] as Ranked, 3);
    heap.push(calls[2] as Ranked, 2);
    expect(heap.peek()).toBe(calls[1]);
    expect(heap.pop()).toBe(calls[1]);
    expect(new Set(heap.drain())).toEqual(new Set([calls[0], calls[2]]));
    expect([heap.size, heap.pop()]).toEqual([0, undefined]);
    expect(Object.values(heap).filter((v) => typeof v === 'object' && v !== null && !ArrayBuffer.isView(v))).toEqual([]);
  });
});
