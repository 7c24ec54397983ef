import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../src/graph/validate.js';
import type { Call } from '../../src/plan/schema.js';

type EdgeKind = 'object' | 'template' | 'interpolated' | 'after';

/** A random DAG: call i may depend on any earlier call, through any kind of reference. */
const dagArb = fc
  .integer({ min: 1, max: 30 })
  .chain((n) =>
    fc.tuple(
      fc.constant(n),
      fc.array(
        fc.record({
          from: fc.nat({ max: n - 1 }),
          to: fc.nat({ max: n - 1 }),
          kind: fc.constantFrom<EdgeKind>('object', 'template', 'interpolated', 'after'),
        }),
        { maxLength: 60 },
      ),
    ),
  )
  .map(([n, raw]) => {
    const edges = raw.filter((e) => e.from < e.to);
    return { n, edges };
  });

const idOf = (i: number) => `call_${i}`;

function buildPlan(n: number, edges: readonly { from: number; to: number; kind: EdgeKind }[]): Call[] {
  const calls: Call[] = Array.from({ length: n }, (_, i) => ({ id: idOf(i), tool: `tool${i % 3}`, args: { literal: i } }));
  edges.forEach((e, k) => {
    const target = calls[e.to]!;
    const from = idOf(e.from);
    if (e.kind === 'after') target.after = [...(target.after ?? []), from];
    else if (e.kind === 'object') target.args[`r${k}`] = { nested: [{ $ref: from, path: '$.items[0]' }] };
    else if (e.kind === 'template') target.args[`r${k}`] = `\${${from}.value}`;
    else target.args[`r${k}`] = `see \${${from}['a b']} and $\${literal}`;
  });
  return calls;
}

function shuffle<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, i) => ({ item, key: keys[i] ?? 0, i }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map((x) => x.item);
}

describe('validatePlan properties', () => {
  it('random DAG plans validate, and levels respect every edge', () => {
    fc.assert(
      fc.property(dagArb, ({ n, edges }) => {
        const r = validatePlan({ calls: buildPlan(n, edges) });
        expect(r.issues).toEqual([]);
        const levels = r.plan!.analysis.levels;
        for (const e of edges) expect(levels[e.to]!).toBeGreaterThan(levels[e.from]!);
        for (let i = 0; i < n; i++) {
          const deps = r.plan!.dag.deps[i]!;
          // A call with no dependencies is on level 0; otherwise one above its deepest dependency.
          expect(levels[i]).toBe(deps.length === 0 ? 0 : Math.max(...deps.map((d) => levels[d]!)) + 1);
        }
      }),
    );
  });

  it('rank and critical path are consistent', () => {
    fc.assert(
      fc.property(dagArb, fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 3, maxLength: 3 }), ({ n, edges }, lat) => {
        const latencyMs = { tool0: lat[0]!, tool1: lat[1]!, tool2: lat[2]! };
        const plan = validatePlan(buildPlan(n, edges), { latencyMs }).plan!;
        const { rank, criticalPath, criticalPathLength, order, depth, maxWidth, levels } = plan.analysis;
        const latOf = (i: number) => latencyMs[plan.calls[i]!.tool as keyof typeof latencyMs];
        // The critical path is a dependency chain whose latencies add up to its length...
        for (let k = 1; k < criticalPath.length; k++) expect(plan.dag.deps[criticalPath[k]!]).toContain(criticalPath[k - 1]);
        expect(criticalPath.reduce((sum, i) => sum + latOf(i), 0)).toBe(criticalPathLength);
        // ...and no rank (longest path from a call to a sink) is longer; the longest rank equals it.
        expect(Math.max(...rank)).toBe(criticalPathLength);
        for (let i = 0; i < n; i++) {
          for (const d of plan.dag.deps[i]!) expect(rank[d]!).toBeGreaterThanOrEqual(rank[i]! + latOf(d));
        }
        expect(order).toHaveLength(n);
        expect(depth).toBe(Math.max(...levels) + 1);
        expect(maxWidth).toBeGreaterThanOrEqual(Math.ceil(n / depth));
      }),
    );
  });

  it('one back edge closing a cycle yields CYCLE containing both endpoints', () => {
    fc.assert(
      fc.property(dagArb, fc.nat(), fc.constantFrom<EdgeKind>('object', 'template', 'after'), ({ n, edges }, pick, kind) => {
        fc.pre(edges.length > 0);
        const e = edges[pick % edges.length]!;
        // A back edge from `to` to `from` closes the cycle from → ... → to → from.
        const plan = buildPlan(n, [...edges, { from: e.to, to: e.from, kind }]);
        const r = validatePlan(plan);
        expect(r.valid).toBe(false);
        const cycles = r.issues.filter((i) => i.code === 'CYCLE');
        expect(cycles.length).toBeGreaterThan(0);
        expect(r.issues.every((i) => i.code === 'CYCLE')).toBe(true);
        const hit = cycles.find((c) => c.cycle!.includes(idOf(e.from)));
        expect(hit?.cycle).toContain(idOf(e.to));
        // Consecutive ids on the reported cycle are real dependencies.
        const cycle = hit!.cycle!;
        const byId = new Map(plan.map((c) => [c.id, c]));
        cycle.forEach((id, k) => {
          const before = cycle[(k + cycle.length - 1) % cycle.length]!;
          const c = byId.get(id)!;
          const reads = new RegExp(`\\$\\{${before}[.\\[}]|"\\$ref":"${before}"`).test(JSON.stringify(c.args));
          expect(reads || (c.after ?? []).includes(before)).toBe(true);
        });
      }),
    );
  });

  it('analysis does not depend on the order calls are listed in', () => {
    fc.assert(
      fc.property(dagArb, fc.array(fc.double({ noNaN: true }), { minLength: 30, maxLength: 30 }), ({ n, edges }, keys) => {
        const plan = buildPlan(n, edges);
        const a = validatePlan(plan).plan!;
        const b = validatePlan(shuffle(plan, keys)).plan!;
        expect(b.analysis.depth).toBe(a.analysis.depth);
        expect(b.analysis.maxWidth).toBe(a.analysis.maxWidth);
        expect(b.analysis.criticalPathLength).toBe(a.analysis.criticalPathLength);
        const perId = (p: typeof a) => Object.fromEntries(p.calls.map((c, i) => [c.id, [p.analysis.levels[i], p.analysis.rank[i]]]));
        expect(perId(b)).toEqual(perId(a));
      }),
    );
  });
});
