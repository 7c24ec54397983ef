import { describe, expect, it } from 'vitest';
import { run } from '../../src/schedule/scheduler.js';
import { defineTool } from '../../src/tools/define-tool.js';
import { workCounters } from '../../src/schedule/work-counters.js';

/** Work counted during one run of `plan`. */
async function workOf(plan: unknown, tools: Parameters<typeof run>[1]['tools'], concurrency = 8): Promise<{ steps: number; wakeups: number; checks: number; ok: number }> {
  const before = { ...workCounters };
  const result = await run(plan as never, { tools, concurrency });
  const ok = Object.values(result.calls).filter((c) => c.status === 'succeeded').length;
  return { steps: workCounters.steps - before.steps, wakeups: workCounters.wakeups - before.wakeups, checks: workCounters.hazardChecks - before.hazardChecks, ok };
}

// No `effects`: every call is a write on `tool:write`, so they all conflict and run one by one.
const unannotated = defineTool({ name: 'write', execute: async () => 'ok' });

describe('engine bookkeeping grows linearly with the plan', () => {
  it('10,000 conflicting calls of one unannotated tool: each completion wakes one waiter, not every waiter', async () => {
    const plan = (n: number) => ({ calls: Array.from({ length: n }, (_, i) => ({ id: `c${i}`, tool: 'write', args: { i } })) });
    const small = await workOf(plan(1000), [unannotated]);
    const large = await workOf(plan(10_000), [unannotated]);
    expect(small.ok).toBe(1000);
    expect(large.ok).toBe(10_000);
    // Linear: 10× the calls, at most ~10× the work (n² would be 100×).
    expect(large.wakeups).toBeLessThanOrEqual(2 * 10_000);
    expect(large.checks).toBeLessThanOrEqual(3 * 10_000);
    expect(large.steps / small.steps).toBeLessThan(15);
  });

  it('reads after one write all wake when it finishes, and a write after them wakes a bounded number of times', async () => {
    const write = defineTool({ name: 'w', resources: () => ['r'], execute: async () => 'w' });
    const read = defineTool({ name: 'r', effects: { readOnly: true }, resources: () => ['r'], execute: async () => 'r' });
    const plan = (n: number) => ({ calls: [{ id: 'w0', tool: 'w', args: {} }, ...Array.from({ length: n }, (_, i) => ({ id: `r${i}`, tool: 'r', args: { i } })), { id: 'w1', tool: 'w', args: {} }] });
    const small = await workOf(plan(900), [write, read], Infinity);
    const large = await workOf(plan(9000), [write, read], Infinity);
    expect(large.ok).toBe(9002);
    expect(large.wakeups / small.wakeups).toBeLessThan(15);
    expect(large.steps / small.steps).toBeLessThan(15);
  });
});
