import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimate } from '../../src/observe/estimate.js';
import { parsePlan } from '../../src/graph/validate.js';

const independent = { calls: [{ id: 'docs', tool: 'search_docs', args: {} }, { id: 'code', tool: 'search_code', args: {} }, { id: 'settings', tool: 'get_user_settings', args: {} }] };

describe('estimate', () => {
  it('the textbook case: three independent calls, 800 ms model, 300 ms tools', () => {
    const e = estimate(independent, { toolLatencyMs: 300, modelLatencyMs: 800 });
    // Four model calls and three tool waits one per turn; two model calls and one (overlapped) tool wait as a DAG.
    expect(e).toMatchObject({ calls: 3, levels: 1, sequentialMs: 4100, sequentialModelTurns: 4, dagLevelsMs: 1900, dagLevelsModelTurns: 2, dagCriticalPathMs: 1900, criticalPathToolMs: 300 });
    // The article says "around 4.4 s" against "around 1.9 s"; its 4.4 counts a fourth tool wait that three calls do not have.
    expect(e.sequentialMs / 1000).toBeCloseTo(4.4, 0);
    expect(e.dagLevelsMs / 1000).toBeCloseTo(1.9, 5);
    expect(e.speedupLevels).toBeCloseTo(4100 / 1900, 10);
  });

  it('levels against dependency-driven dispatch, per-tool latencies', () => {
    // a(100) → c(100); b(1000) alone: levels pay max(a, b) then c; the critical path is just b.
    const plan = { calls: [{ id: 'a', tool: 'fast', args: {} }, { id: 'b', tool: 'slow', args: {} }, { id: 'c', tool: 'fast', args: { x: '${a}' } }] };
    const e = estimate(plan, { toolLatencyMs: { fast: 100, slow: 1000 }, modelLatencyMs: 500 });
    expect(e.levels).toBe(2);
    expect(e.sequentialMs).toBe(3 * 500 + 1200 + 500);
    expect(e.dagLevelsMs).toBe(2 * 500 + 1000 + 100 + 500);
    expect(e.dagCriticalPathMs).toBe(500 + 1000 + 500);
  });

  it('accepts a validated plan; rejects an invalid plan with every issue and bad latencies with INVALID_OPTION', () => {
    expect(estimate(parsePlan(independent), { toolLatencyMs: 300, modelLatencyMs: 800 }).sequentialMs).toBe(4100);
    expect(() => estimate({ calls: [{ id: 'a', tool: 't', args: { x: '${nope}' } }] }, { toolLatencyMs: 1, modelLatencyMs: 1 })).toThrow(expect.objectContaining({ code: 'UNKNOWN_REF' }));
    expect(() => estimate(independent, { toolLatencyMs: { search_docs: 1 }, modelLatencyMs: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', callId: 'code' }));
    expect(() => estimate(independent, { toolLatencyMs: -1, modelLatencyMs: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => estimate(independent, { toolLatencyMs: 1, modelLatencyMs: Number.NaN })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(estimate({ calls: [] }, { toolLatencyMs: 1, modelLatencyMs: 700 })).toMatchObject({ sequentialMs: 700, dagLevelsMs: 700, dagCriticalPathMs: 700 });
  });

  const dagArb = fc.array(fc.record({ deps: fc.array(fc.nat(), { maxLength: 3 }), tool: fc.constantFrom('a', 'b', 'c') }), { minLength: 1, maxLength: 20 }).map((rows) => ({
    calls: rows.map((r, i) => ({ id: `c${i}`, tool: r.tool, args: {}, ...(i === 0 ? {} : { after: [...new Set(r.deps.map((d) => `c${d % i}`))] }) })),
  }));
  const latArb = fc.record({ a: fc.integer({ min: 0, max: 1000 }), b: fc.integer({ min: 0, max: 1000 }), c: fc.integer({ min: 0, max: 1000 }) });

  it('property: critical-path dispatch ≤ levels ≤ one per turn', () => {
    fc.assert(
      fc.property(dagArb, latArb, fc.integer({ min: 0, max: 2000 }), (plan, tools, model) => {
        const e = estimate(plan, { toolLatencyMs: tools, modelLatencyMs: model });
        expect(e.dagCriticalPathMs).toBeLessThanOrEqual(e.dagLevelsMs);
        expect(e.dagLevelsMs).toBeLessThanOrEqual(e.sequentialMs);
      }),
    );
  });

  it('property: monotone — raising any latency never lowers an estimate', () => {
    fc.assert(
      fc.property(dagArb, latArb, fc.integer({ min: 0, max: 2000 }), fc.constantFrom('a', 'b', 'c', 'model'), fc.integer({ min: 1, max: 500 }), (plan, tools, model, which, bump) => {
        const before = estimate(plan, { toolLatencyMs: tools, modelLatencyMs: model });
        const after = which === 'model' ? estimate(plan, { toolLatencyMs: tools, modelLatencyMs: model + bump }) : estimate(plan, { toolLatencyMs: { ...tools, [which]: tools[which] + bump }, modelLatencyMs: model });
        for (const k of ['sequentialMs', 'dagLevelsMs', 'dagCriticalPathMs'] as const) expect(after[k]).toBeGreaterThanOrEqual(before[k]);
      }),
    );
  });
});
