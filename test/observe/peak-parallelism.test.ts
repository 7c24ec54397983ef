import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { peakParallelism } from '../../src/observe/peak-parallelism.js';

describe('peakParallelism', () => {
  it('touching intervals do not overlap; zero-length ones count at their instant', () => {
    expect(peakParallelism([])).toBe(0);
    expect(peakParallelism([{ start: 0, end: 10 }, { start: 10, end: 20 }])).toBe(1);
    expect(peakParallelism([{ start: 0, end: 10 }, { start: 5, end: 15 }, { start: 9, end: 10 }])).toBe(3);
    expect(peakParallelism([{ start: 5, end: 5 }])).toBe(1);
    expect(peakParallelism([{ start: 5, end: 5 }, { start: 5, end: 5 }, { start: 0, end: 10 }])).toBe(3);
  });

  it('property: equals a brute-force count at every start instant', () => {
    const interval = fc.record({ start: fc.integer({ min: 0, max: 30 }), len: fc.integer({ min: 0, max: 10 }) }).map(({ start, len }) => ({ start, end: start + len }));
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 30 }), (xs) => {
        let brute = 0;
        for (const p of xs) {
          // Running at instant p.start: positive intervals [s, e) containing it, and zero-length ones at it.
          const n = xs.filter((q) => (q.end > q.start ? q.start <= p.start && p.start < q.end : q.start === p.start)).length;
          brute = Math.max(brute, n);
        }
        expect(peakParallelism(xs)).toBe(brute);
      }),
    );
  });
});
