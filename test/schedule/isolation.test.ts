import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/graph/validate.js';
import { run } from '../../src/schedule/scheduler.js';
import { defineTool } from '../../src/tools/define-tool.js';
import { tool } from './harness.js';

/** Tries to change everything reachable from `value` (a frozen value refuses; strict mode throws, which is swallowed). */
function vandalize(value: unknown): void {
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    for (const k of Object.keys(v)) {
      stack.push((v as Record<string, unknown>)[k]);
      try {
        (v as Record<string, unknown>)[k] = 'vandalized';
      } catch {
        // frozen
      }
    }
    try {
      (v as Record<string, unknown>)['added'] = 'vandalized';
    } catch {
      // frozen
    }
  }
}

describe('a tool cannot change what another call, a later run or a reused plan sees', () => {
  it('mutating a result received in args changes neither the producer\'s result nor another consumer\'s args', async () => {
    const make = tool({ name: 'make', execute: () => ({ user: { name: 'ada', roles: ['admin'] } }) });
    const seen: unknown[] = [];
    const vandal = tool({ name: 'vandal', execute: (args: Record<string, unknown>) => { vandalize(args); return 'done'; } });
    const reader = tool({ name: 'reader', execute: (args: Record<string, unknown>) => { seen.push(JSON.parse(JSON.stringify(args))); return args; } });
    const result = await run(
      { calls: [{ id: 'a', tool: 'make', args: {} }, { id: 'v', tool: 'vandal', args: { u: '${a.user}', whole: '${a}' } }, { id: 'r', tool: 'reader', args: { u: '${a.user}' }, after: ['v'] }] },
      { tools: [make, vandal, reader] },
    );
    expect(result.calls['a']?.result).toEqual({ user: { name: 'ada', roles: ['admin'] } });
    expect(seen).toEqual([{ u: { name: 'ada', roles: ['admin'] } }]);
    expect(result.calls['v']?.args).toEqual({ u: { name: 'ada', roles: ['admin'] }, whole: { user: { name: 'ada', roles: ['admin'] } } });
  });

  it('a producer that mutates the object it returned after returning it changes nothing the run kept', async () => {
    let kept: Record<string, unknown> = {};
    const make = tool({ name: 'make', execute: () => { kept = { n: 1 }; return kept; } });
    const later = tool({ name: 'later', execute: (args: Record<string, unknown>) => { kept['n'] = 2; return args['n']; } });
    const result = await run({ calls: [{ id: 'a', tool: 'make', args: {} }, { id: 'b', tool: 'later', args: { n: '${a.n}' } }, { id: 'c', tool: 'later', args: { x: '${a}' }, after: ['b'] }] }, { tools: [make, later] });
    expect(result.calls['a']?.result).toEqual({ n: 1 });
    expect(result.calls['c']?.args).toEqual({ x: { n: 1 } });
  });

  it('mutating its own args does not change a reused compiled plan', async () => {
    const argsSeen: unknown[] = [];
    const vandal = tool({ name: 'vandal', execute: (args: Record<string, unknown>) => { argsSeen.push(JSON.parse(JSON.stringify(args))); vandalize(args); return 1; } });
    const plan = parsePlan({ calls: [{ id: 'a', tool: 'vandal', args: { path: 'safe.txt', opts: { depth: 1 } } }] });
    await run(plan, { tools: [vandal] });
    await run(plan, { tools: [vandal] });
    expect(argsSeen).toEqual([{ path: 'safe.txt', opts: { depth: 1 } }, { path: 'safe.txt', opts: { depth: 1 } }]);
    expect(plan.calls[0]?.args).toEqual({ path: 'safe.txt', opts: { depth: 1 } });
  });

  it('mutating its args does not change the plan object a caller passed in', async () => {
    const vandal = defineTool({ name: 'vandal', effects: { readOnly: true }, execute: (args: Record<string, unknown>) => { vandalize(args); return 1; } });
    const plan = { calls: [{ id: 'a', tool: 'vandal', args: { list: [1, 2], o: { k: 'v' } } }] };
    await run(plan, { tools: [vandal] });
    expect(plan.calls[0]?.args).toEqual({ list: [1, 2], o: { k: 'v' } });
  });

  it('a result key named __proto__ stays an own property and Object.prototype is untouched', async () => {
    const make = tool({ name: 'make', execute: () => JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown });
    const echo = tool({ name: 'echo', execute: (args: Record<string, unknown>) => args });
    const result = await run({ calls: [{ id: 'm', tool: 'make', args: {} }, { id: 'e', tool: 'echo', args: { v: '${m}' } }] }, { tools: [make, echo] });
    const v = (result.calls['e']?.result as { v: Record<string, unknown> }).v;
    expect(Object.hasOwn(v, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
