import { beforeEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/graph/validate.js';
import type { Call } from '../../src/plan/schema.js';
import { LatencyEstimator } from '../../src/schedule/latency-estimator.js';
import { run } from '../../src/schedule/scheduler.js';
import { VirtualClock, timedTool } from './harness.js';

/** The plan as JSON, or compiled by parsePlan() first (the engine then ranks from its packed layout). */
let compiledPlans = false;

/** Runs `calls` at concurrency 1 in virtual time and returns the start order. */
async function startOrder(calls: Call[], tools: ReturnType<typeof timedTool>[], clock: VirtualClock, extra: { estimator?: LatencyEstimator } = {}): Promise<string[]> {
  const order: string[] = [];
  const plan = compiledPlans ? parsePlan({ calls }, { tools }) : { calls };
  const done = run(plan, { tools, concurrency: 1, scheduler: clock.scheduler, onEvent: (e) => e.type === 'call_started' && order.push(e.callId), ...extra });
  await clock.run();
  const result = await done;
  expect(result.metrics.succeeded).toBe(calls.length);
  return order;
}

describe.each([
  ['a plan as JSON', false],
  ['a compiled plan', true],
])('priority among ready calls (semantic 3), %s', (_, compiled) => {
  beforeEach(() => {
    compiledPlans = compiled;
  });

  it('starts the call with the longest remaining chain first, then goes by rank and plan order', async () => {
    const clock = new VirtualClock();
    const w = timedTool(clock, 'w', 10);
    const calls: Call[] = [
      { id: 'x', tool: 'w', args: {} },
      { id: 'y1', tool: 'w', args: {} },
      { id: 'y2', tool: 'w', args: {}, after: ['y1'] },
      { id: 'y3', tool: 'w', args: {}, after: ['y2'] },
    ];
    // ranks: y1 = 3, y2 = 2, x = y3 = 1 (x before y3 by plan order)
    expect(await startOrder(calls, [w], clock)).toEqual(['y1', 'y2', 'x', 'y3']);
  });

  it('breaks equal ranks by plan order, not by id', async () => {
    const clock = new VirtualClock();
    const w = timedTool(clock, 'w', 10);
    const calls: Call[] = ['c', 'a', 'b', 'd'].map((id) => ({ id, tool: 'w', args: {} }));
    expect(await startOrder(calls, [w], clock)).toEqual(['c', 'a', 'b', 'd']);
  });

  it('uses a tool latencyMs prior before anything is observed', async () => {
    const clock = new VirtualClock();
    const fast = timedTool(clock, 'fast', 1);
    const slow = timedTool(clock, 'slow', 100, undefined, { latencyMs: 50 });
    const calls: Call[] = [
      { id: 'f1', tool: 'fast', args: {} },
      { id: 'f2', tool: 'fast', args: {}, after: ['f1'] },
      { id: 's', tool: 'slow', args: {} },
    ];
    expect(await startOrder(calls, [fast, slow], clock)).toEqual(['s', 'f1', 'f2']);
  });

  it('learns latencies from observed durations in a shared LatencyEstimator, which changes the order of a later run', async () => {
    const estimator = new LatencyEstimator();
    const calls: Call[] = [
      { id: 's', tool: 'slow', args: {} },
      { id: 'f1', tool: 'fast', args: {} },
      { id: 'f2', tool: 'fast', args: {}, after: ['f1'] },
    ];
    const clock1 = new VirtualClock();
    // Nothing known: every tool is estimated at 1 ms, so the two-call chain outranks `s`.
    const first = await startOrder(calls, [timedTool(clock1, 'slow', 100), timedTool(clock1, 'fast', 1)], clock1, { estimator });
    expect(first).toEqual(['f1', 's', 'f2']);
    expect(estimator.estimate('slow')).toBe(100);
    expect(estimator.estimate('fast')).toBe(1);
    const clock2 = new VirtualClock();
    const second = await startOrder(calls, [timedTool(clock2, 'slow', 100), timedTool(clock2, 'fast', 1)], clock2, { estimator });
    expect(second).toEqual(['s', 'f1', 'f2']);
  });

  it('ranking shortens the makespan at a cap: the long chain is not left for last', async () => {
    const clock = new VirtualClock();
    const w = timedTool(clock, 'w', 10);
    // Four independent calls listed first, then a chain of four; cap 2.
    const calls: Call[] = [
      ...['i0', 'i1', 'i2', 'i3'].map((id) => ({ id, tool: 'w', args: {} })),
      { id: 'c0', tool: 'w', args: {} },
      { id: 'c1', tool: 'w', args: {}, after: ['c0'] },
      { id: 'c2', tool: 'w', args: {}, after: ['c1'] },
      { id: 'c3', tool: 'w', args: {}, after: ['c2'] },
    ];
    const done = run({ calls }, { tools: [w], concurrency: 2, scheduler: clock.scheduler });
    await clock.run();
    const result = await done;
    // Critical path 40 ms, total work 80 ms over 2 slots: 40 ms is optimal and reached.
    expect(result.metrics.makespanMs).toBe(40);
    expect(result.metrics.criticalPathMs).toBe(40);
  });
});

describe('ranks in a plan where a call fails as it registers', () => {
  it('leave out the chain of a call skipped as it registers, for a plan as JSON and compiled, wherever it sits', async () => {
    // `n` reads `p` and `f`; `f` names a tool the run does not have, so `n` is skipped as it
    // arrives — after it was connected to `p`. `n` will never run, so its 1,000 ms must not put
    // `p` first: `p` ties with the fillers and goes in plan order. Listed past the engine's
    // first 16 slots too (a JSON plan's skipped call once had no rank slot there).
    for (const fillers of [13, 14, 30]) {
      const orders: string[][] = [];
      for (const compiled of [false, true]) {
        const clock = new VirtualClock();
        const tools = [timedTool(clock, 'b', 10, undefined, { latencyMs: 10 }), timedTool(clock, 'p', 10, undefined, { latencyMs: 10 }), timedTool(clock, 'n', 1000, undefined, { latencyMs: 1000 })];
        const calls: Call[] = [
          ...Array.from({ length: fillers }, (_, i) => ({ id: `b${i}`, tool: 'b', args: {} })),
          { id: 'p', tool: 'p', args: {} },
          { id: 'f', tool: 'missing', args: {} },
          { id: 'n', tool: 'n', args: { a: '${p}', b: '${f}' } },
        ];
        const plan = compiled ? parsePlan({ calls }, { tools: [...tools, timedTool(clock, 'missing', 1)] }) : { calls };
        const order: string[] = [];
        const done = run(plan, { tools, concurrency: 1, scheduler: clock.scheduler, onEvent: (e) => e.type === 'call_started' && order.push(e.callId) });
        await clock.run();
        const result = await done;
        expect([result.calls['f']?.error?.code, result.calls['n']?.status]).toEqual(['UNKNOWN_TOOL', 'skipped']);
        orders.push(order);
      }
      expect(orders[0]).toEqual(orders[1]);
      expect(orders[0]).toEqual([...Array.from({ length: fillers }, (_, i) => `b${i}`), 'p']);
    }
  });
});
