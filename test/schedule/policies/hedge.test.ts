import { describe, expect, it } from 'vitest';
import { LatencyEstimator } from '../../../src/schedule/latency-estimator.js';
import { HedgeBudget, hedgeDelay } from '../../../src/schedule/policies/hedge.js';
import type { Tool } from '../../../src/tools/tool-types.js';
import { fakeTool, type Invocation } from './fake-tools.js';
import { eventsOf, runVirtual, seeded, VirtualTime } from './virtual-time.js';

const readIdem = { readOnly: true, idempotent: true } as const;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

describe('HedgeBudget and hedgeDelay', () => {
  it('earns maxExtra of a token per call and spends whole tokens', () => {
    const budget = new HedgeBudget();
    for (let i = 0; i < 19; i++) budget.earn(0.05);
    expect(budget.trySpend()).toBe(false);
    budget.earn(0.05);
    expect(budget.trySpend()).toBe(true);
    expect(budget.trySpend()).toBe(false);
    expect([budget.calls, budget.spent]).toEqual([20, 1]);
  });

  it('waits for afterMs, or for enough samples to trust the percentile', () => {
    const est = new LatencyEstimator();
    expect(hedgeDelay({ afterMs: 7 }, 't', est)).toBe(7);
    for (let i = 1; i <= 19; i++) est.observe('t', i);
    expect(hedgeDelay({}, 't', est)).toBeUndefined();
    est.observe('t', 20);
    expect(hedgeDelay({}, 't', est)).toBe(19);
    expect(hedgeDelay({ percentile: 50 }, 't', est)).toBe(10);
  });
});

describe('hedging in a run (virtual time)', () => {
  function slowThenFast(time: VirtualTime, log: Invocation[], first: number, copy: number): Tool {
    return fakeTool(time, log, 'fetch', { effects: readIdem, hedge: { afterMs: 20, maxExtra: 1 }, latency: (_a, _n, _id) => (log.filter((e) => e.tool === 'fetch').length === 1 ? first : copy) });
  }

  it('starts one copy after afterMs; the first success wins and the loser`s signal is aborted', async () => {
    const time = new VirtualTime();
    const log: Invocation[] = [];
    const { result, events } = await runVirtual({ calls: [{ id: 'f', tool: 'fetch', args: {} }] }, { tools: [slowThenFast(time, log, 100, 10)] }, time);
    expect(log.map((e) => [e.start, e.hedge, e.outcome, e.aborted])).toEqual([[0, false, 'aborted', true], [20, true, 'ok', false]]);
    expect(eventsOf(events, 'call_started').map((e) => [e.t, e.hedge === true])).toEqual([[0, false], [20, true]]);
    expect(result.calls['f']).toMatchObject({ status: 'succeeded', endedMs: 30 });
    expect(result.metrics.hedges).toBe(1);
  });

  it('when the original wins, the copy is aborted', async () => {
    const time = new VirtualTime();
    const log: Invocation[] = [];
    const { result } = await runVirtual({ calls: [{ id: 'f', tool: 'fetch', args: {} }] }, { tools: [slowThenFast(time, log, 30, 100)] }, time);
    expect(log.map((e) => [e.hedge, e.outcome, e.aborted])).toEqual([[false, 'ok', false], [true, 'aborted', true]]);
    expect(result.calls['f']?.endedMs).toBe(30);
  });

  it('a copy that fails does not fail the call while the original may still succeed', async () => {
    const time = new VirtualTime();
    const log: Invocation[] = [];
    const tool = fakeTool(time, log, 'fetch', { effects: readIdem, hedge: { afterMs: 20, maxExtra: 1 }, latency: () => (log.length === 1 ? 50 : 5), fail: () => (log.length === 2 && log[1]?.end === time.now() && time.now() === 25 ? new Error('copy broke') : undefined) });
    const { result } = await runVirtual({ calls: [{ id: 'f', tool: 'fetch', args: {} }] }, { tools: [tool] }, time);
    expect(result.calls['f']).toMatchObject({ status: 'succeeded', endedMs: 50 });
  });

  it('never hedges other tools, and keeps copies within the budget', async () => {
    const time = new VirtualTime();
    const log: Invocation[] = [];
    const tools = [
      fakeTool(time, log, 'fetch', { effects: readIdem, hedge: { afterMs: 0, maxExtra: 0.05 }, latency: () => 100 }),
      fakeTool(time, log, 'slow_read', { effects: { readOnly: true }, latency: () => 100 }),
      fakeTool(time, log, 'slow_write', { effects: { idempotent: true }, latency: () => 100, resources: (a: Record<string, unknown>) => [`k:${String(a['k'])}`] }),
    ];
    const calls = Array.from({ length: 100 }, (_, k) => ({ id: `f${k}`, tool: 'fetch', args: { k } }));
    calls.push(...Array.from({ length: 20 }, (_, k) => ({ id: `s${k}`, tool: k % 2 === 0 ? 'slow_read' : 'slow_write', args: { k } })));
    const { result } = await runVirtual({ calls }, { tools, concurrency: Infinity }, time);
    expect(log.filter((e) => e.hedge).every((e) => e.tool === 'fetch')).toBe(true);
    expect(log.filter((e) => e.tool !== 'fetch')).toHaveLength(20);
    expect(result.metrics.hedges).toBe(5);
    expect(log.filter((e) => e.hedge)).toHaveLength(5);
  });

  // p96 rather than the default p95: by definition 5% of calls outlast p95, so with a 5% budget the
  // fast-but-unlucky calls compete with the slow ones for tokens and a few slow calls go unhedged.
  it('heavy tail: p99 of a 10-call fan-out drops at least 3x with at most 5% extra calls', async () => {
    const RUNS = 300;
    const FANOUT = 10;
    const measure = async (hedged: boolean): Promise<{ makespans: number[]; durations: number[]; invocations: number; hedges: number }> => {
      // 98% of calls take 8-12 ms, 2% take 1-2 s: p99 is over 10x p50. Same seed for both runs.
      const random = seeded(1);
      const latency = (): number => (random() < 0.02 ? 1000 + 1000 * random() : 8 + 4 * random());
      const estimator = new LatencyEstimator();
      const hedgeBudget = new HedgeBudget();
      const log: Invocation[] = [];
      const makespans: number[] = [];
      const durations: number[] = [];
      let hedges = 0;
      for (let r = 0; r < RUNS; r++) {
        const time = new VirtualTime();
        const tool = fakeTool(time, log, 'fetch', { effects: readIdem, latency, ...(hedged ? { hedge: { percentile: 96, maxExtra: 0.05 } } : {}) });
        const calls = Array.from({ length: FANOUT }, (_, k) => ({ id: `c${k}`, tool: 'fetch', args: { shard: k, run: r } }));
        const { result } = await runVirtual({ calls }, { tools: [tool], estimator, hedgeBudget, concurrency: Infinity }, time);
        expect(result.metrics.succeeded).toBe(FANOUT);
        makespans.push(result.metrics.makespanMs);
        for (const id of result.order) durations.push((result.calls[id]?.endedMs ?? 0) - (result.calls[id]?.startedMs ?? 0));
        hedges += result.metrics.hedges;
      }
      return { makespans, durations, invocations: log.length, hedges };
    };
    const plain = await measure(false);
    const hedged = await measure(true);
    // The latency really is heavy-tailed.
    expect(percentile(plain.durations, 99)).toBeGreaterThanOrEqual(10 * percentile(plain.durations, 50));
    expect(plain.invocations).toBe(RUNS * FANOUT);
    const p99Plain = percentile(plain.makespans, 99);
    const p99Hedged = percentile(hedged.makespans, 99);
    expect(p99Hedged * 3).toBeLessThanOrEqual(p99Plain);
    expect(hedged.invocations - RUNS * FANOUT).toBe(hedged.hedges);
    expect(hedged.hedges).toBeGreaterThan(0);
    expect(hedged.hedges).toBeLessThanOrEqual(0.05 * RUNS * FANOUT);
  });
});
