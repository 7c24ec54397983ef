import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FifoQueue } from '../../src/schedule/fifo-queue.js';

describe('FifoQueue', () => {
  it('behaves like an array used as a queue, across compaction (property)', () => {
    const op = fc.oneof(fc.record({ push: fc.integer() }), fc.constant('pop' as const), fc.constant('drain' as const));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 5000 }), (ops) => {
        const queue = new FifoQueue<number>();
        const model: number[] = [];
        for (const o of ops) {
          if (o === 'pop') expect(queue.pop()).toBe(model.shift());
          else if (o === 'drain') expect(queue.drain()).toEqual(model.splice(0));
          else {
            queue.push(o.push);
            model.push(o.push);
          }
          expect(queue.size).toBe(model.length);
          expect(queue.peek()).toBe(model[0]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keeps order past the compaction point (2,000 in, 1,500 out, 1,000 in)', () => {
    const queue = new FifoQueue<number>();
    for (let i = 0; i < 2000; i++) queue.push(i);
    for (let i = 0; i < 1500; i++) expect(queue.pop()).toBe(i);
    for (let i = 2000; i < 3000; i++) queue.push(i);
    expect(queue.size).toBe(1500);
    const rest: number[] = [];
    for (let v = queue.pop(); v !== undefined; v = queue.pop()) rest.push(v);
    expect(rest).toEqual(Array.from({ length: 1500 }, (_, i) => 1500 + i));
    expect(queue.pop()).toBeUndefined();
  });
});
