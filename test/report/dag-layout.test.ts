import { describe, expect, it } from 'vitest';
import { layoutDag } from '../../src/report/dag-layout.js';

describe('layoutDag', () => {
  it('puts each call in the column of its dependency depth, ignoring inputs outside the list', () => {
    const layout = layoutDag(
      [
        { id: 'a', deps: [] },
        { id: 'b', deps: ['a', 'elsewhere'] },
        { id: 'c', deps: ['a', 'b'] },
        { id: 'd', deps: [] },
      ],
      10,
    );
    expect(layout.nodes).toEqual([
      { id: 'a', column: 0, row: 0 },
      { id: 'd', column: 0, row: 1 },
      { id: 'b', column: 1, row: 0 },
      { id: 'c', column: 2, row: 0 },
    ]);
    expect(layout.edges).toEqual([
      { from: 'a', to: 'b' },
      { from: 'a', to: 'c' },
      { from: 'b', to: 'c' },
    ]);
    expect([layout.columns, layout.rows]).toEqual([3, 2]);
  });

  it('wraps a tall column into sub-columns of at most maxRows', () => {
    const calls = Array.from({ length: 25 }, (_, i) => ({ id: `c${i}`, deps: [] as string[] }));
    const layout = layoutDag(calls, 10);
    expect(layout.columns).toBe(3);
    expect(layout.rows).toBe(10);
    expect(layout.nodes.at(-1)).toEqual({ id: 'c24', column: 2, row: 4 });
  });

  it('places every call of a cycle once, in input order after what came before', () => {
    const layout = layoutDag([{ id: 'x', deps: [] }, { id: 'a', deps: ['b', 'x'] }, { id: 'b', deps: ['a'] }], 10);
    expect(layout.nodes.map((n) => n.id).sort()).toEqual(['a', 'b', 'x']);
    expect(new Set(layout.nodes.map((n) => n.id)).size).toBe(3);
  });
});
