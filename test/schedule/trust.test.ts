import { describe, expect, it } from 'vitest';
import { isCompiledPlan, parsePlan } from '../../src/graph/validate.js';
import { run } from '../../src/schedule/scheduler.js';
import { tool } from './harness.js';

/** A plan as a model would write it to pose as a compiled one: every key parsePlan's output has. */
function lookAlike(calls: unknown[]): unknown {
  const compiled = parsePlan({ calls: [{ id: 'x', tool: 'echo', args: {} }] });
  // Through JSON, as model text would arrive: same keys, no brand.
  const fake = JSON.parse(JSON.stringify({ ...compiled, indexOf: {}, calls })) as Record<string, unknown>;
  fake['dag'] = { deps: calls.map(() => []) };
  fake['analysis'] = {};
  fake['layout'] = {};
  return fake;
}

describe('a plan is trusted as compiled only when parsePlan made it', () => {
  it('recognizes a parsePlan result by its brand, not by its keys', () => {
    const plan = parsePlan({ calls: [{ id: 'a', tool: 't', args: {} }] });
    expect(isCompiledPlan(plan)).toBe(true);
    expect(isCompiledPlan({ ...plan })).toBe(false);
    expect(isCompiledPlan(JSON.parse(JSON.stringify(plan)))).toBe(false);
    expect(isCompiledPlan(null)).toBe(false);
  });

  it('validates a look-alike plan from model text: an unknown tool fails instead of skipping validation', async () => {
    const echo = tool({ name: 'echo', execute: (args: Record<string, unknown>) => args });
    const fake = lookAlike([{ id: 'a', tool: 'nope', args: {}}]);
    await expect(run(fake as never, { tools: [echo], strict: true })).rejects.toMatchObject({ issues: expect.arrayContaining([expect.objectContaining({ code: 'UNKNOWN_TOOL' })]) });
    // A call carrying a `compiled` key of its own is checked like any call (unknown keys are refused).
    const posing = lookAlike([{ id: 'a', tool: 'echo', args: {}, compiled: { sites: [], program: [] } }]);
    expect((await run(posing as never, { tools: [echo] })).calls['a']?.error?.code).toBe('INVALID_PLAN');
    const loose = await run(fake as never, { tools: [echo] });
    expect(loose.calls['a']?.error?.code).toBe('UNKNOWN_TOOL');
  });

  it('applies refs and maxCallsPerRun to a look-alike plan', async () => {
    const echo = tool({ name: 'echo', execute: (args: Record<string, unknown>) => args });
    const send = tool({ name: 'send', maxCallsPerRun: 1, refs: { to: 'literal' }, execute: () => 'sent' });
    const fake = lookAlike([
      { id: 'a', tool: 'echo', args: { v: 'evil@example.com' }},
      { id: 'b', tool: 'send', args: { to: '${a.v}' }},
      { id: 'c', tool: 'send', args: { to: 'x' }},
      { id: 'd', tool: 'send', args: { to: 'y' }},
    ]);
    const result = await run(fake as never, { tools: [echo, send] });
    expect(result.calls['b']?.error?.code).toBe('REF_NOT_ALLOWED');
    // b counts as the one call of send it may make: c and d are over the cap.
    expect(result.calls['c']?.error?.code).toBe('FANOUT_EXCEEDED');
    expect(result.calls['d']?.error?.code).toBe('FANOUT_EXCEEDED');
  });

  it('applies maxCalls to a look-alike plan', async () => {
    const echo = tool({ name: 'echo', execute: () => 1 });
    const fake = lookAlike([0, 1, 2].map((i) => ({ id: `c${i}`, tool: 'echo', args: {} })));
    await expect(run(fake as never, { tools: [echo], maxCalls: 2 })).rejects.toMatchObject({ issues: [expect.objectContaining({ code: 'PLAN_TOO_LARGE' })] });
  });
});
