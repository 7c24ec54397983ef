import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dependents } from '../../src/graph/dag.js';
import { planLayout } from '../../src/graph/plan-layout.js';
import { parsePlan } from '../../src/graph/validate.js';

const range = (list: Int32Array, starts: Int32Array, i: number): number[] => Array.from(list.subarray(starts[i], starts[i + 1]));

/**
 * A random valid plan: call i reads up to three earlier calls, some through nested
 * placeholders, and names one of a few tools; the calls are listed in a shuffled order.
 */
const plans = fc.integer({ min: 1, max: 30 }).chain((n) =>
  fc
    .tuple(
      fc.tuple(...Array.from({ length: n }, (_, i) => fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), { maxLength: Math.min(i, 3) }))),
      fc.array(fc.constantFrom('search', 'read', 'write'), { minLength: n, maxLength: n }),
      fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n }),
    )
    .map(([deps, tools, listed]) => ({
      calls: listed.map((i) => {
        const ds = deps[i] as number[];
        return { id: `c${i}`, tool: tools[i] as string, args: { n: i, ...(ds.length > 0 ? { in: ds.map((d) => `\${c${d}}`), deep: { x: [`\${c${ds[0]}.v}`] } } : {}) } };
      }),
    })),
);

describe('planLayout', () => {
  it('packs each call’s inputs, dependents, fill program and tool, and a topological order (property)', () => {
    fc.assert(
      fc.property(plans, (raw) => {
        const plan = parsePlan(raw);
        const layout = planLayout(plan);
        const n = plan.calls.length;
        const children = dependents(plan.dag);
        for (let i = 0; i < n; i++) {
          expect(range(layout.inputs, layout.inputStart, i)).toEqual(plan.dag.deps[i]);
          expect(range(layout.dependents, layout.dependentStart, i)).toEqual(children[i]);
          expect(layout.program.slice(layout.programStart[i], layout.programStart[i + 1])).toEqual(plan.calls[i]?.compiled.program);
        }
        expect(layout.inputStart[n]).toBe(layout.inputs.length);
        expect(layout.dependentStart[n]).toBe(layout.dependents.length);
        expect(layout.programStart[n]).toBe(layout.program.length);
        // Every call once, each after its inputs.
        const seen = new Set<number>();
        for (const v of layout.order) {
          for (const d of plan.dag.deps[v] as number[]) expect(seen.has(d)).toBe(true);
          seen.add(v);
        }
        expect(seen.size).toBe(n);
        expect(layout.order.length).toBe(n);
        // A plan that lists every call after its inputs is its own order (passes over it go in sequence).
        const listedInOrder = plan.dag.deps.every((ds, i) => ds.every((d) => d < i));
        if (listedInOrder) expect(Array.from(layout.order)).toEqual(Array.from({ length: n }, (_, i) => i));
        // Each call's tool, each name once.
        expect(new Set(layout.tools).size).toBe(layout.tools.length);
        for (let i = 0; i < n; i++) expect(layout.tools[layout.toolOf[i] as number]).toBe(plan.calls[i]?.tool);
      }),
      { numRuns: 100 },
    );
  });

  it('comes with the parsed plan; a plan put together without one gets the same, built once', () => {
    const plan = parsePlan({ calls: [{ id: 'a', tool: 't', args: {} }, { id: 'b', tool: 't', args: { x: '${a}', y: ['${a}'] } }] });
    expect(planLayout(plan)).toBe(plan.layout);
    const { layout, ...bare } = plan;
    const built = planLayout(bare as typeof plan);
    expect(built).not.toBe(layout);
    expect(built).toEqual(layout);
    expect(planLayout(bare as typeof plan)).toBe(built);
  });
});
