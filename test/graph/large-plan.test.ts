import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../src/graph/validate.js';
import type { Call } from '../../src/plan/schema.js';

const N = 100_000;

/** call i reads call i-1: one chain, 100,000 levels deep. */
function chain(n: number): Call[] {
  const calls: Call[] = [{ id: 'c0', tool: 't', args: {} }];
  for (let i = 1; i < n; i++) calls.push({ id: `c${i}`, tool: 't', args: { prev: `\${c${i - 1}.value}` } });
  return calls;
}

describe('a 100,000-call chain', () => {
  it('validates without overflowing the stack when maxCalls is raised', () => {
    const r = validatePlan({ calls: chain(N) }, { maxCalls: N });
    expect(r.issues).toEqual([]);
    expect(r.plan?.analysis.depth).toBe(N);
    expect(r.plan?.analysis.maxWidth).toBe(1);
    expect(r.plan?.analysis.criticalPath).toHaveLength(N);
    expect(r.plan?.analysis.rank[0]).toBe(N);
  });

  it('is refused as PLAN_TOO_LARGE under the default limit', () => {
    const r = validatePlan({ calls: chain(N) });
    expect(r.issues.map((i) => i.code)).toEqual(['PLAN_TOO_LARGE']);
  });

  it('reports a cycle closing the whole chain, with every id in order', () => {
    const calls = chain(N);
    calls[0] = { id: 'c0', tool: 't', args: {}, after: [`c${N - 1}`] };
    const r = validatePlan(calls, { maxCalls: N });
    expect(r.issues.map((i) => i.code)).toEqual(['CYCLE']);
    const cycle = r.issues[0]!.cycle!;
    expect(cycle).toHaveLength(N);
    expect(cycle[0]).toBe('c0');
    expect(cycle[1]).toBe('c1');
    expect(cycle[N - 1]).toBe(`c${N - 1}`);
  });

  it('reports a short cycle deep inside the chain', () => {
    const calls = chain(N);
    calls[50_000] = { ...calls[50_000]!, after: ['c50001'] };
    const r = validatePlan(calls, { maxCalls: N });
    expect(r.issues.map((i) => [i.code, i.cycle])).toEqual([['CYCLE', ['c50000', 'c50001']]]);
  });
});
