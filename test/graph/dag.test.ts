import { describe, expect, it } from 'vitest';
import { findCycles, topologicalOrder } from '../../src/graph/dag.js';

describe('topologicalOrder', () => {
  it('orders every call after its inputs, returns the reverse adjacency, and leaves out calls on or behind a cycle', () => {
    const { order, leftover, children } = topologicalOrder({ deps: [[], [0], [0, 1], [4], [3], [3]] });
    expect(order).toEqual([0, 1, 2]);
    expect(leftover).toEqual([3, 4, 5]);
    expect(children).toEqual([[1, 2], [2], [], [4, 5], [3], []]);
  });
});

describe('findCycles', () => {
  it('finds one cycle per strongly connected component, starting at its earliest call', () => {
    const dag = { deps: [[], [2], [1], [4], [5], [3]] };
    const { leftover } = topologicalOrder(dag);
    expect(findCycles(dag, leftover)).toEqual([
      [1, 2],
      [3, 5, 4],
    ]);
  });
});
