import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeCallMetrics, type CallTiming } from '../../src/observe/call-metrics.js';

const ok = (id: string, startedMs: number, endedMs: number, deps: string[] = []): CallTiming => ({ id, deps, startedMs, endedMs, status: 'succeeded' });

/** A random DAG with a valid schedule: each call starts at or after its deps' ends, plus a random delay. */
const scheduleArb = fc
  .array(fc.record({ deps: fc.array(fc.nat(), { maxLength: 3 }), delay: fc.integer({ min: 0, max: 50 }), duration: fc.integer({ min: 0, max: 200 }) }), { maxLength: 40 })
  .map((rows) => {
    const calls: CallTiming[] = [];
    rows.forEach((r, i) => {
      const deps = i === 0 ? [] : [...new Set(r.deps.map((d) => d % i))];
      const ready = deps.reduce((m, d) => Math.max(m, calls[d]?.endedMs ?? 0), 0);
      const start = ready + r.delay;
      calls.push(ok(`c${i}`, start, start + r.duration, deps.map((d) => `c${d}`)));
    });
    return calls;
  });

describe('computeCallMetrics', () => {
  it('a diamond: makespan, critical path and its ids, parallelism, rounds', () => {
    const m = computeCallMetrics({
      calls: [ok('a', 0, 100), ok('b', 100, 400, ['a']), ok('c', 100, 150, ['a']), ok('d', 400, 450, ['b', 'c'])],
    });
    expect(m).toMatchObject({ calls: 4, ran: 4, makespanMs: 450, criticalPathMs: 450, criticalPath: ['a', 'b', 'd'], makespanOverCriticalPath: 1, maxParallelism: 2, rounds: 3, dependencyDepth: 3 });
    expect(m.byStatus).toEqual({ succeeded: 4 });
  });

  it('scheduling loss shows as makespan / critical path above 1', () => {
    const m = computeCallMetrics({ calls: [ok('a', 0, 100), ok('b', 300, 400, ['a'])] });
    expect(m.criticalPathMs).toBe(200);
    expect(m.makespanOverCriticalPath).toBe(2);
  });

  it('calls that never ran count 0 on the path and in rounds; statuses are tallied', () => {
    const m = computeCallMetrics({
      calls: [
        { id: 'a', startedMs: 0, endedMs: 10, status: 'failed' },
        { id: 'b', deps: ['a'], endedMs: 10, status: 'skipped' },
        { id: 'c', deps: ['b'], endedMs: 10, status: 'skipped' },
      ],
    });
    expect(m).toMatchObject({ ran: 1, criticalPathMs: 10, rounds: 1, maxParallelism: 1 });
    expect({ ...m.byStatus }).toEqual({ failed: 1, skipped: 2 });
    expect(Object.getPrototypeOf(m.byStatus)).toBeNull();
  });

  it('unknown deps, self deps and cycles do not crash', () => {
    const m = computeCallMetrics({ calls: [ok('a', 0, 10, ['ghost', 'a', 'b']), ok('b', 10, 30, ['a'])] });
    expect(m.criticalPathMs).toBeGreaterThanOrEqual(20);
    expect(m.criticalPath.length).toBeGreaterThan(0);
    expect(computeCallMetrics({ calls: [] })).toMatchObject({ calls: 0, makespanMs: 0, criticalPathMs: 0, makespanOverCriticalPath: 1, maxParallelism: 0, rounds: 0, slowest: undefined, rejoinLatencyMs: undefined });
  });

  it('stragglers: calls slower than k × median, slowest first; k configurable', () => {
    const calls = [ok('a', 0, 100), ok('b', 0, 110), ok('c', 0, 90), ok('d', 0, 1000), ok('e', 0, 400)];
    const m = computeCallMetrics({ calls });
    expect(m.medianDurationMs).toBe(110);
    expect(m.slowest).toEqual({ id: 'd', durationMs: 1000, ratio: 1000 / 110 });
    expect(m.stragglers.map((s) => s.id)).toEqual(['d', 'e']);
    expect(computeCallMetrics({ calls, stragglerFactor: 5 }).stragglers.map((s) => s.id)).toEqual(['d']);
    expect(() => computeCallMetrics({ calls, stragglerFactor: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(computeCallMetrics({ calls: [ok('x', 0, 0), ok('y', 0, 0), ok('z', 0, 5)] }).stragglers).toEqual([]);
  });

  it('rejoin latency is measured from the last result returned, and late results are waste', () => {
    const m = computeCallMetrics({
      rejoinMs: 500,
      calls: [ok('a', 0, 100), ok('b', 0, 420), ok('slow', 0, 2000)],
    });
    expect(m.rejoins).toEqual([{ atMs: 500, lastNeededMs: 420, latencyMs: 80, returned: 2 }]);
    expect(m.rejoinLatencyMs).toBe(80);
    expect(m.waste).toEqual([{ id: 'slow', reason: 'late', durationMs: 2000 }]);
    expect(m.wastedMs).toBe(2000);
  });

  it('per-call rejoins sum up; a result neither returned nor read by a later call is unconsumed waste', () => {
    const m = computeCallMetrics({
      calls: [
        { ...ok('a', 0, 100), rejoinMs: 150 },
        { ...ok('unused', 0, 50), rejoinMs: 150, returned: false },
        { ...ok('read', 0, 60), rejoinMs: 150, returned: false },
        { ...ok('b', 200, 300, ['read']), rejoinMs: 310 },
      ],
    });
    expect(m.rejoins.map((r) => r.latencyMs)).toEqual([50, 10]);
    expect(m.rejoinLatencyMs).toBe(60);
    expect(m.waste).toEqual([{ id: 'unused', reason: 'unconsumed', durationMs: 50 }]);
  });

  it('without a rejoin time every finished result counts as returned: no waste, no rejoin latency', () => {
    const m = computeCallMetrics({ calls: [ok('a', 0, 10), ok('b', 0, 20)] });
    expect(m.waste).toEqual([]);
    expect(m.rejoinLatencyMs).toBeUndefined();
  });

  it('property: on a valid schedule, critical path ≤ makespan, parallelism ≤ calls that ran, rounds ≤ calls', () => {
    fc.assert(
      fc.property(scheduleArb, (calls) => {
        const m = computeCallMetrics({ calls });
        expect(m.criticalPathMs).toBeLessThanOrEqual(m.makespanMs + 1e-9);
        expect(m.maxParallelism).toBeLessThanOrEqual(m.ran);
        expect(m.rounds).toBeLessThanOrEqual(m.calls);
        if (m.ran > 0) expect(m.maxParallelism).toBeGreaterThanOrEqual(1);
        if (m.criticalPathMs > 0) expect(m.makespanOverCriticalPath).toBeGreaterThanOrEqual(1 - 1e-9);
      }),
    );
  });

  it('property: the order calls are listed in changes no number', () => {
    fc.assert(
      fc.property(scheduleArb, fc.func(fc.integer()), (calls, key) => {
        const shuffled = [...calls].sort((a, b) => key(a.id) - key(b.id) || a.id.localeCompare(b.id));
        const x = computeCallMetrics({ calls, rejoinMs: 300 });
        const y = computeCallMetrics({ calls: shuffled, rejoinMs: 300 });
        for (const k of ['makespanMs', 'criticalPathMs', 'maxParallelism', 'rounds', 'medianDurationMs', 'rejoinLatencyMs', 'wastedMs'] as const) expect(y[k]).toBe(x[k]);
        expect(new Set(y.waste.map((w) => w.id))).toEqual(new Set(x.waste.map((w) => w.id)));
        expect(new Set(y.stragglers.map((w) => w.id))).toEqual(new Set(x.stragglers.map((w) => w.id)));
      }),
    );
  });

  it('a 20,000-call chain: no recursion, no stack overflow', () => {
    const calls: CallTiming[] = [];
    for (let i = 0; i < 20_000; i++) calls.push(ok(`c${i}`, i, i + 1, i === 0 ? [] : [`c${i - 1}`]));
    const m = computeCallMetrics({ calls });
    expect(m.rounds).toBe(20_000);
    expect(m.criticalPathMs).toBe(20_000);
    expect(m.criticalPath).toHaveLength(20_000);
  });
});
