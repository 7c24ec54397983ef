import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { first, lastValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parsePlan } from '../../src/graph/validate.js';
import type { ToolContext } from '../../src/tools/tool-types.js';
import { execute, run } from '../../src/schedule/scheduler.js';
import { HedgeBudget } from '../../src/schedule/policies/hedge.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Which of `refs` still hold their target after full collections (a WeakRef's target lives until the current job ends). */
async function stillAlive(refs: readonly WeakRef<object>[]): Promise<number[]> {
  for (let i = 0; i < 10; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
  }
  return refs.flatMap((ref, i) => (ref.deref() === undefined ? [] : [i]));
}

describe('RunEngine after a run', () => {
  it('keeps nothing of a finished run alive: results, args, tools and the RunResult can be collected', async () => {
    let result: object | undefined;
    let args: object | undefined;
    let tool: { name: string; execute: (a: { n: number }) => object } | undefined = {
      name: 'big',
      execute: (a) => {
        result = { n: a.n, payload: new Array(10_000).fill(a.n) };
        return result;
      },
    };
    const plan = parsePlan({ calls: [{ id: 'a', tool: 'big', args: { n: 1 } }, { id: 'b', tool: 'big', args: { n: 2, from: '${a.n}' } }] }, { tools: [tool] });
    let outcome = await run(plan, { tools: [tool], concurrency: Infinity });
    expect(outcome.calls['b']?.status).toBe('succeeded');
    args = outcome.calls['b']?.args as object;
    const refs = [new WeakRef(result as object), new WeakRef(args), new WeakRef(tool), new WeakRef(outcome)];
    result = undefined;
    args = undefined;
    tool = undefined;
    outcome = undefined as unknown as typeof outcome;
    expect(await stillAlive(refs)).toEqual([]);
  });

  it('keeps no plan data or tool of the last call either (a JSON plan, not compiled)', async () => {
    let args: object | undefined = { n: 1, big: new Array(10_000).fill(1) };
    let fn: (() => number) | undefined = () => 1;
    let outcome: unknown = await run({ calls: [{ id: 'a', tool: 't', args }] }, { tools: [{ name: 't', execute: fn }] });
    const refs = [new WeakRef(args), new WeakRef(fn)];
    args = undefined;
    fn = undefined;
    outcome = undefined;
    expect(outcome).toBeUndefined();
    expect(await stillAlive(refs)).toEqual([]);
  });

  it('an execution that outlives its run (it ignored its signal) still reads the idempotency key of its call', async () => {
    let late: ToolContext | undefined;
    const plan = { calls: [{ id: 'a', tool: 't', args: { n: 1 } }] };
    const slow = {
      name: 't',
      effects: { idempotent: true },
      timeoutMs: 5,
      execute: async (_a: unknown, ctx: ToolContext) => {
        late = ctx;
        await new Promise((resolve) => setTimeout(resolve, 30));
        return 1;
      },
    };
    const timedOut = await run(plan, { tools: [slow], runId: 'R' });
    expect(timedOut.calls['a']?.error?.code).toBe('TIMEOUT');
    await new Promise((resolve) => setTimeout(resolve, 40)); // the run is over and its engine kept
    let during: string | undefined;
    await run(plan, { tools: [{ name: 't', execute: (_a: unknown, ctx: ToolContext) => (during = ctx.idempotencyKey) }], runId: 'R' });
    expect(late?.idempotencyKey).toBe(during);
  });

  it('a listener that cancels when a call starts: that tool is not called, and the call ends cancelled', async () => {
    const called: string[] = [];
    const tools = [{ name: 't', execute: (a: { n: number }) => { called.push(String(a.n)); return a.n; } }];
    const plan = { calls: [{ id: 'a', tool: 't', args: { n: 1 } }, { id: 'b', tool: 't', args: { n: 2, x: '${a}' } }] };
    const seen = await lastValueFrom(execute(plan, { tools }).pipe(first((e) => e.type === 'call_started' && e.callId === 'b')));
    expect(seen.type).toBe('call_started');
    expect(called).toEqual(['1']);
    const controller = new AbortController();
    const result = await run(plan, { tools, signal: controller.signal, onEvent: (e) => e.type === 'call_started' && e.callId === 'b' && controller.abort() });
    expect([result.calls['a']?.status, result.calls['b']?.status]).toEqual(['succeeded', 'cancelled']);
    expect(called).toEqual(['1', '1']);
  });

  it('a listener that cancels at run_started: every call of a whole plan is still there, cancelled, and none runs', async () => {
    let ran = 0;
    const tools = [{ name: 't', execute: () => ++ran }];
    const calls = [{ id: 'a', tool: 't', args: {} }, { id: 'b', tool: 't', args: { x: '${a}' } }, { id: 'c', tool: 'nope', args: {} }];
    for (const plan of [{ calls }, parsePlan({ calls: calls.slice(0, 2) }, { tools })]) {
      const controller = new AbortController();
      const result = await run(plan, { tools, signal: controller.signal, onEvent: (e) => e.type === 'run_started' && controller.abort() });
      const statuses = result.order.map((id) => result.calls[id]?.status);
      expect(statuses.length).toBe(plan.calls.length);
      expect(statuses.slice(0, 2)).toEqual(['cancelled', 'cancelled']);
      expect(result.metrics.calls).toBe(plan.calls.length);
    }
    expect(ran).toBe(0);
  });

  it('a run after a finished one is unaffected by what the engine kept', async () => {
    const tools = [{ name: 't', execute: (a: { n: number; x?: number }) => a.n + (a.x ?? 0) }];
    const plan = { calls: [{ id: 'a', tool: 't', args: { n: 1 } }, { id: 'b', tool: 't', args: { n: 2, x: '${a}' } }] };
    const first = await run(plan, { tools });
    const second = await run(plan, { tools });
    expect([first.calls['b']?.result, second.calls['b']?.result]).toEqual([3, 3]);
    expect(second.metrics.succeeded).toBe(2);
  });
});

describe('RunEngine clock readings', () => {
  /** A clock that moves 1 ms per reading, so every reading is told apart by its value. */
  function countingClock(): { readonly clock: { now(): number; setTimer(fn: () => void, ms: number): () => void }; readonly reads: () => number } {
    let t = 0;
    return {
      clock: {
        now: () => ++t,
        setTimer: (fn, ms) => {
          const handle = setTimeout(fn, ms);
          return () => clearTimeout(handle);
        },
      },
      reads: () => t,
    };
  }
  const chain = (n: number) => ({ calls: Array.from({ length: n }, (_, i) => ({ id: `c${i}`, tool: 't', args: i === 0 ? {} : { prev: `\${c${i - 1}}` } })) });

  it('a chain of synchronous tools starts each call at the reading that ended the call before it', async () => {
    const { clock, reads } = countingClock();
    const result = await run(chain(5), { tools: [{ name: 't', execute: () => 1 }], clock });
    const times = result.order.map((id) => [result.calls[id]?.startedMs, result.calls[id]?.endedMs]);
    for (let i = 1; i < times.length; i++) expect(times[i]?.[0]).toBe(times[i - 1]?.[1]);
    // The first start and five ends (plus the run's start and end): one reading per call.
    expect(reads()).toBeLessThanOrEqual(5 + 3);
  });

  it('reads the clock afresh when user code ran in between: an input schema, a listener, a resources function', async () => {
    const withSchema = countingClock();
    const schemaTool = { name: 't', input: z.object({ prev: z.number().optional() }), execute: () => 1 };
    const a = await run(chain(4), { tools: [schemaTool], clock: withSchema.clock });
    const heard = countingClock();
    const b = await run(chain(4), { tools: [{ name: 't', execute: () => 1 }], clock: heard.clock, onEvent: () => undefined });
    const named = countingClock();
    const c = await run(chain(4), { tools: [{ name: 't', effects: { readOnly: true }, resources: () => ['r'], execute: () => 1 }], clock: named.clock });
    for (const result of [a, b, c]) {
      for (let i = 1; i < 4; i++) expect(result.calls[`c${i}`]?.startedMs).toBeGreaterThan(result.calls[`c${i - 1}`]?.endedMs as number);
    }
  });

  it('reads the clock afresh when many calls became ready since the last reading (a wide fan-out)', async () => {
    const { clock } = countingClock();
    const plan = { calls: [{ id: 'root', tool: 't', args: {} }, ...Array.from({ length: 8 }, (_, i) => ({ id: `d${i}`, tool: 't', args: { from: '${root}' } }))] };
    const result = await run(plan, { tools: [{ name: 't', execute: () => 1 }], clock, concurrency: Infinity });
    expect(result.calls['d0']?.startedMs).toBeGreaterThan(result.calls['root']?.endedMs as number);
  });
});

describe('RunEngine with a compiled plan (edges by position, shared with the plan)', () => {
  const echo = { name: 't', effects: { readOnly: true }, execute: (args: { n: number; in?: unknown[] }) => args.n * 10 + (args.in?.length ?? 0) };
  const other = { name: 'u', effects: { readOnly: true }, execute: () => 1 };

  it('a call listed before its input waits for it and reads its result', async () => {
    const plan = parsePlan({ calls: [{ id: 'b', tool: 't', args: { n: 2, in: ['${a}'] } }, { id: 'a', tool: 't', args: { n: 1 } }] }, { tools: [echo] });
    const result = await run(plan, { tools: [echo] });
    expect(result.calls['a']).toMatchObject({ status: 'succeeded', result: 10 });
    expect(result.calls['b']).toMatchObject({ status: 'succeeded', args: { n: 2, in: [10] }, result: 21 });
    expect(result.metrics.rounds).toBe(2);
  });

  it('gives the same outcome as the plan as JSON: whole results, paths and text placeholders, any order (property)', async () => {
    const sum = { name: 't', effects: { readOnly: true }, execute: (args: { n: number; in?: unknown[]; deep?: { p: unknown[] }; s?: string }) => ({ v: args.n + (args.in?.length ?? 0), echo: args }) };
    const callsArb = fc.integer({ min: 1, max: 25 }).chain((n) =>
      fc.tuple(
        fc.tuple(...Array.from({ length: n }, (_, i) => fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), { maxLength: Math.min(i, 3) }))),
        fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(callsArb, async ([deps, order]) => {
        // Edges only from lower to higher numbers (a DAG), listed in a shuffled order.
        const calls = order.map((i) => {
          const ds = (deps[i] as number[]).filter((d) => d < i);
          return { id: `c${i}`, tool: 't', args: { n: i, ...(ds.length > 0 ? { in: ds.map((d) => `\${c${d}}`), deep: { p: [`\${c${ds[0]}.v}`] }, s: `<\${c${ds[0]}.v}>` } : {}) } };
        });
        const fromJson = await run({ calls }, { tools: [sum] });
        const fromCompiled = await run(parsePlan({ calls }, { tools: [sum] }), { tools: [sum] });
        expect(fromCompiled.order).toEqual(fromJson.order);
        for (const id of fromJson.order) {
          const [a, b] = [fromCompiled.calls[id], fromJson.calls[id]];
          expect([a?.status, a?.args, a?.result]).toEqual([b?.status, b?.args, b?.result]);
        }
        expect(fromCompiled.metrics.rounds).toBe(fromJson.metrics.rounds);
      }),
      { numRuns: 60 },
    );
  });

  it('a plan compiled under plain tools gets every run-time guard of the tools it runs with, as the same plan as JSON does', async () => {
    // Compiled where every tool is a plain read; run where each tool has one thing that a
    // plain read has not (writes, names resources, restricts placeholders, caps its calls,
    // hedges). Registration must not take a short cut past any of them.
    const plain = (name: string) => ({ name, effects: { readOnly: true }, execute: () => 1 });
    const calls = [
      { id: 'a', tool: 'look', args: {} },
      { id: 'w1', tool: 'put', args: { v: '${a}' } },
      { id: 'w2', tool: 'put', args: { v: 2 } },
      { id: 'r1', tool: 'tag', args: {} },
      { id: 'h', tool: 'fetch', args: {} },
      { id: 'm1', tool: 'mail', args: {} },
      { id: 'm2', tool: 'mail', args: {} },
      { id: 's2', tool: 'send', args: { to: 'x' } },
      // Refused as it arrives, before its input ends (the guard does not wait for the value).
      { id: 's1', tool: 'send', args: { to: '${w1}' } },
    ];
    // A call that fails as it registers sends every later one the long way: those come last,
    // and the refused placeholder is also checked in a plan of its own.
    const names = ['look', 'put', 'tag', 'send', 'mail', 'fetch'];
    const plan = parsePlan({ calls }, { tools: names.map(plain) });
    const outcome = async (input: unknown) => {
      // Calls touching `tool:put` at once: the write hazard keeps it at 1.
      let active = 0;
      let overlap = 0;
      const touch = async () => {
        active++;
        overlap = Math.max(overlap, active);
        await Promise.resolve();
        await Promise.resolve();
        active--;
        return 'ok';
      };
      const tools = [
        plain('look'),
        { name: 'put', effects: { readOnly: false }, execute: touch },
        { name: 'tag', effects: { readOnly: true }, resources: () => ['tool:put'], execute: touch },
        { name: 'send', effects: { readOnly: true }, refs: { to: 'literal' as const }, execute: () => 'sent' },
        { name: 'mail', effects: { readOnly: true }, maxCallsPerRun: 1, execute: () => 'sent' },
        { name: 'fetch', effects: { readOnly: true, idempotent: true }, hedge: { afterMs: 1_000, maxExtra: 0.5 }, execute: () => 'page' },
      ];
      const hedgeBudget = new HedgeBudget();
      const result = await run(input as never, { tools, hedgeBudget, concurrency: Infinity });
      const statuses = Object.fromEntries(result.order.map((id) => [id, result.calls[id]?.error?.code ?? result.calls[id]?.status]));
      const refusedEarly = (result.calls['s1']?.endedMs as number) < (result.calls['w1']?.endedMs as number);
      return { statuses, overlap, hedgeCalls: hedgeBudget.calls, refusedEarly };
    };
    const expected = {
      statuses: { a: 'succeeded', w1: 'succeeded', w2: 'succeeded', r1: 'succeeded', h: 'succeeded', m1: 'succeeded', m2: 'FANOUT_EXCEEDED', s2: 'succeeded', s1: 'REF_NOT_ALLOWED' },
      overlap: 1,
      hedgeCalls: 1,
      refusedEarly: true,
    };
    expect(await outcome({ calls })).toEqual(expected);
    expect(await outcome(plan)).toEqual(expected);
    const refused = [calls[0], calls[1], calls[calls.length - 1]];
    const alone = { ...expected, statuses: { a: 'succeeded', w1: 'succeeded', s1: 'REF_NOT_ALLOWED' }, hedgeCalls: 0 };
    expect(await outcome({ calls: refused })).toEqual(alone);
    expect(await outcome(parsePlan({ calls: refused }, { tools: names.map(plain) }))).toEqual(alone);
  });

  it('a call that fails as it registers skips its dependents listed before and after it', async () => {
    // Compiled with tool `u`, run without it: `a` fails UNKNOWN_TOOL while the plan registers.
    const plan = parsePlan(
      {
        calls: [
          { id: 'early', tool: 't', args: { n: 1, in: ['${a}'] } },
          { id: 'a', tool: 'u', args: {} },
          { id: 'late', tool: 't', args: { n: 2, in: ['${a}', '${free}'] } },
          { id: 'free', tool: 't', args: { n: 3 } },
          { id: 'deeper', tool: 't', args: { n: 4, in: ['${early}'] } },
        ],
      },
      { tools: [echo, other] },
    );
    const result = await run(plan, { tools: [echo] });
    expect(Object.fromEntries(Object.entries(result.calls).map(([id, c]) => [id, [c.status, c.error?.details?.['cause'] ?? c.error?.code]]))).toEqual({
      early: ['skipped', 'a'],
      a: ['failed', 'UNKNOWN_TOOL'],
      late: ['skipped', 'a'],
      free: ['succeeded', undefined],
      deeper: ['skipped', 'a'],
    });
    // The plan's own edge lists are not changed by a run.
    expect(Array.from(plan.layout.dependents)).toEqual([4, 0, 2, 2]);
    expect(Array.from(plan.layout.dependentStart)).toEqual([0, 1, 3, 3, 4, 4]);
    expect(plan.dag.deps).toEqual([[1], [], [1, 3], [], [0]]);
  });
});
