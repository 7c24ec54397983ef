import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeDag } from '../../src/graph/analyze.js';
import { topologicalOrder, type IndexDag } from '../../src/graph/dag.js';

/** A random DAG: call i waits on a few distinct earlier calls. */
const dagArb = fc.integer({ min: 0, max: 40 }).chain((n) =>
  fc.tuple(...Array.from({ length: n }, (_, i) => fc.uniqueArray(fc.nat({ max: Math.max(0, i - 1) }), { maxLength: i === 0 ? 0 : 3 }))).map((deps): IndexDag => ({ deps })),
);

describe('analyzeDag', () => {
  it('computes levels, width, the critical path and ranks on a hand-checked DAG', () => {
    // 0 ─┐
    // 1 ─┼→ 2 → 4
    // 3 ─────────┘ (4 waits on 2 and 3)
    const dag: IndexDag = { deps: [[], [], [0, 1], [], [2, 3]] };
    const latency = [5, 1, 2, 10, 1];
    const a = analyzeDag(dag, (i) => latency[i] as number);
    expect(a.levels).toEqual([0, 0, 1, 0, 2]);
    expect(a.depth).toBe(3);
    expect(a.maxWidth).toBe(3);
    // 0 (5) → 2 (2) → 4 (1) = 8; 3 (10) → 4 (1) = 11.
    expect(a.criticalPathLength).toBe(11);
    expect(a.criticalPath).toEqual([3, 4]);
    expect(a.rank).toEqual([8, 4, 3, 11, 1]);
  });

  it('gives the same analysis from a topological pass made beforehand (property)', () => {
    fc.assert(
      fc.property(dagArb, fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 40, maxLength: 40 }), (dag, lat) => {
        const latency = (i: number) => lat[i] as number;
        expect(analyzeDag(dag, latency, topologicalOrder(dag))).toEqual(analyzeDag(dag, latency));
      }),
      { numRuns: 200 },
    );
  });

  it('ranks each call at least its own latency plus its slowest dependent, and levels it below every input (property)', () => {
    fc.assert(
      fc.property(dagArb, (dag) => {
        const a = analyzeDag(dag);
        const { children } = topologicalOrder(dag);
        dag.deps.forEach((ds, i) => {
          for (const d of ds) expect(a.levels[i]).toBeGreaterThan(a.levels[d] as number);
          const best = Math.max(0, ...(children[i] as number[]).map((c) => a.rank[c] as number));
          expect(a.rank[i]).toBe(best + 1);
        });
        expect(a.criticalPathLength).toBe(dag.deps.length === 0 ? 0 : Math.max(...a.rank));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a graph with a cycle', () => {
    expect(() => analyzeDag({ deps: [[1], [0]] })).toThrow(/acyclic/);
  });
});
