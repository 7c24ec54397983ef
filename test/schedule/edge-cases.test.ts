import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PlanError } from '../../src/errors.js';
import { parsePlan } from '../../src/graph/validate.js';
import { run } from '../../src/schedule/scheduler.js';
import { EventLog, VirtualClock, timedTool, tool } from './harness.js';

const echo = tool({ name: 'echo', execute: (args: Record<string, unknown>) => args });

describe('plan problems at run time', () => {
  it('a duplicate id fails the later call DUPLICATE_ID under its own key; the first runs', async () => {
    const log = new EventLog();
    const result = await run(
      {
        calls: [
          { id: 'a', tool: 'echo', args: { v: 1 } },
          { id: 'a', tool: 'echo', args: { v: 2 } },
          { id: 'b', tool: 'echo', args: { v: '${a.v}' } },
        ],
      },
      { tools: [echo], onEvent: log.onEvent },
    );
    expect(result.order).toEqual(['a', 'a#2', 'b']);
    expect(result.calls['a']).toMatchObject({ status: 'succeeded', result: { v: 1 } });
    expect(result.calls['a#2']).toMatchObject({ status: 'failed', attempts: 0, error: { code: 'DUPLICATE_ID', location: 'calls[1].id' } });
    expect(result.calls['b']).toMatchObject({ status: 'succeeded', args: { v: 1 } });
    log.assertWellFormed(['a', 'a#2', 'b']);
  });

  it('an unknown tool fails UNKNOWN_TOOL and skips its dependents; other calls run', async () => {
    const result = await run(
      {
        calls: [
          { id: 'x', tool: 'no_such_tool', args: {} },
          { id: 'y', tool: 'echo', args: { v: '${x}' } },
          { id: 'z', tool: 'echo', args: {} },
        ],
      },
      { tools: [echo] },
    );
    expect(result.calls['x']).toMatchObject({ status: 'failed', tool: 'no_such_tool', error: { code: 'UNKNOWN_TOOL', location: 'calls[0].tool' } });
    expect(result.calls['y']).toMatchObject({ status: 'skipped', error: { details: { cause: 'x' } } });
    expect(result.calls['z']?.status).toBe('succeeded');
  });

  it('a call that references itself fails SELF_REF; one whose shape is wrong fails INVALID_PLAN; good calls run', async () => {
    const result = await run(
      {
        calls: [
          { id: 'self', tool: 'echo', args: { v: '${self}' } },
          { id: 'shape', tool: 42, args: {} },
          { id: 'good', tool: 'echo', args: {} },
        ],
      },
      { tools: [echo] },
    );
    expect(result.calls['self']?.error?.code).toBe('SELF_REF');
    expect(result.calls['shape']).toMatchObject({ status: 'failed', error: { code: 'INVALID_PLAN' } });
    expect(result.calls['good']?.status).toBe('succeeded');
  });

  it('strict mode refuses an invalid plan with a PlanError listing every issue, and runs nothing', async () => {
    let ran = 0;
    const counted = tool({ name: 'echo', execute: () => ++ran });
    const promise = run(
      {
        calls: [
          { id: 'a', tool: 'echo', args: {} },
          { id: 'b', tool: 'missing', args: {} },
          { id: 'c', tool: 'echo', args: { v: '${ghost}' } },
        ],
      },
      { tools: [counted], strict: true },
    );
    const error: unknown = await promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanError);
    const codes = (error as PlanError).issues.map((i) => i.code);
    expect(codes).toContain('UNKNOWN_TOOL');
    expect(codes).toContain('UNKNOWN_REF');
    expect(ran).toBe(0);
  });

  it('strict mode runs a valid plan', async () => {
    const result = await run({ calls: [{ id: 'a', tool: 'echo', args: { v: 1 } }] }, { tools: [echo], strict: true });
    expect(result.calls['a']?.status).toBe('succeeded');
  });

  it('a plan over maxCalls is refused with PLAN_TOO_LARGE, compiled by parsePlan or not, and nothing runs', async () => {
    const calls = Array.from({ length: 5 }, (_, i) => ({ id: `c${i}`, tool: 'echo', args: {} }));
    let ran = 0;
    const counting = tool({ name: 'echo', execute: () => ++ran });
    await expect(run({ calls }, { tools: [counting], maxCalls: 4 })).rejects.toMatchObject({ name: 'PlanError', code: 'PLAN_TOO_LARGE' });
    await expect(run(parsePlan({ calls }, { tools: [counting] }), { tools: [counting], maxCalls: 4 })).rejects.toMatchObject({ name: 'PlanError', code: 'PLAN_TOO_LARGE' });
    expect(ran).toBe(0);
  });

  it('a malformed call that reuses an id is kept under a key of its own and does not replace the good call', async () => {
    const log = new EventLog();
    const result = await run(
      [
        { id: 'a', tool: 'echo', args: { x: 1 } },
        { id: 'a', tool: 5, args: {} },
        { id: 'b', tool: 'echo', args: { y: '${a.x}' } },
        { id: 'a#2', tool: 7, args: {} },
      ],
      { tools: [echo], onEvent: log.onEvent },
    );
    expect(result.order).toHaveLength(4);
    expect(new Set(result.order).size).toBe(4);
    expect(result.calls['a']).toMatchObject({ status: 'succeeded', result: { x: 1 } });
    expect(result.calls['b']).toMatchObject({ status: 'succeeded', args: { y: 1 } });
    const broken = result.order.filter((id) => id !== 'a' && id !== 'b');
    for (const id of broken) expect(result.calls[id]).toMatchObject({ status: 'failed', error: { code: 'INVALID_PLAN' } });
    log.assertWellFormed(result.order);
  });
});

describe('a precompiled plan from parsePlan()', () => {
  it('runs with the same results as the raw plan', async () => {
    const raw = {
      calls: [
        { id: 'a', tool: 'echo', args: { v: 2 } },
        { id: 'b', tool: 'echo', args: { w: '${a.v}' } },
        { id: 'c', tool: 'echo', args: { s: '${a.v}-${b.w}' }, after: ['a'] },
      ],
    };
    const compiled = parsePlan(raw, { tools: [echo] });
    const log = new EventLog();
    const fromCompiled = await run(compiled, { tools: [echo], onEvent: log.onEvent });
    const fromRaw = await run(raw, { tools: [echo] });
    expect(fromCompiled.calls['c']).toMatchObject({ status: 'succeeded', args: { s: '2-2' } });
    for (const id of ['a', 'b', 'c']) expect(fromCompiled.calls[id]?.result).toEqual(fromRaw.calls[id]?.result);
    expect(log.of('run_started')[0]?.calls).toBe(3);
    log.assertWellFormed(['a', 'b', 'c']);
  });
});

describe('untrusted keys', () => {
  it('`__proto__` as a call id is an ordinary key of the result; nothing is polluted', async () => {
    const result = await run(
      {
        calls: [
          { id: '__proto__', tool: 'echo', args: { polluted: true } },
          { id: 'constructor', tool: 'echo', args: { v: '${__proto__.polluted}' } },
        ],
      },
      { tools: [echo] },
    );
    expect(Object.hasOwn(result.calls, '__proto__')).toBe(true);
    expect(result.calls['__proto__']).toMatchObject({ status: 'succeeded', result: { polluted: true } });
    expect(result.calls['constructor']).toMatchObject({ status: 'succeeded', args: { v: true } });
    expect(Object.keys(result.calls)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('`__proto__` as an arg key stays an own key, literal or filled, and pollutes nothing', async () => {
    const seen: Record<string, unknown>[] = [];
    const spy = tool({
      name: 'spy',
      execute: (args: Record<string, unknown>) => {
        seen.push(args);
        return 'ok';
      },
    });
    const plan = JSON.parse('{"calls":[{"id":"lit","tool":"spy","args":{"__proto__":{"polluted":1}}},{"id":"src","tool":"echo","args":{"x":{"polluted":2}}},{"id":"filled","tool":"spy","args":{"__proto__":"${src.x}","nested":{"__proto__":"${src.x}"}}}]}') as unknown;
    const result = await run(plan, { tools: [spy, echo] });
    expect(result.calls['lit']?.status).toBe('succeeded');
    expect(result.calls['filled']?.status).toBe('succeeded');
    const [lit, filled] = seen;
    expect(Object.hasOwn(lit as object, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(lit)).toBe(Object.prototype);
    expect(Object.hasOwn(filled as object, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(filled, '__proto__')?.value).toEqual({ polluted: 2 });
    expect(Object.hasOwn(filled?.['nested'] as object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('tool results', () => {
  it('a tool returning an AsyncIterable reports each value as call_partial as it is yielded; the last value is the result', async () => {
    const clock = new VirtualClock();
    const stream = tool({
      name: 'stream',
      async *execute() {
        yield { progress: 1 };
        await clock.sleep(10);
        yield { progress: 2 };
        await clock.sleep(10);
        yield { progress: 3, done: true };
      },
    });
    const log = new EventLog();
    const done = run({ calls: [{ id: 's', tool: 'stream', args: {} }, { id: 'next', tool: 'echo', args: { p: '${s.progress}' } }] }, { tools: [stream, echo], scheduler: clock.scheduler, onEvent: log.onEvent });
    await clock.run();
    const result = await done;
    const partials = log.of('call_partial');
    expect(partials.map((e) => e.value)).toEqual([{ progress: 1 }, { progress: 2 }, { progress: 3, done: true }]);
    expect(partials.map((e) => e.t)).toEqual([0, 10, 20]);
    expect(partials.every((e) => e.callId === 's' && e.tool === 'stream')).toBe(true);
    expect(result.calls['s']).toMatchObject({ status: 'succeeded', result: { progress: 3, done: true }, endedMs: 20 });
    expect(result.calls['next']?.args).toEqual({ p: 3 });
    log.assertWellFormed(['s', 'next']);
  });

  it('an AsyncIterable that throws midway fails the call with TOOL_ERROR', async () => {
    const stream = tool({
      name: 'stream',
      async *execute() {
        yield 1;
        throw new Error('stream broke');
      },
    });
    const result = await run({ calls: [{ id: 's', tool: 'stream', args: {} }] }, { tools: [stream] });
    expect(result.calls['s']).toMatchObject({ status: 'failed', error: { code: 'TOOL_ERROR', message: 'stream broke' } });
  });

  it('a result that fails the output schema ends the call INVALID_OUTPUT and skips its dependents', async () => {
    const typed = tool({ name: 'typed', output: z.object({ n: z.number() }), execute: (args: Record<string, unknown>) => ({ n: args['n'] }) });
    const result = await run(
      {
        calls: [
          { id: 'good', tool: 'typed', args: { n: 1 } },
          { id: 'bad', tool: 'typed', args: { n: 'one' } },
          { id: 'after_bad', tool: 'echo', args: { v: '${bad.n}' } },
        ],
      },
      { tools: [typed, echo] },
    );
    expect(result.calls['good']).toMatchObject({ status: 'succeeded', result: { n: 1 } });
    expect(result.calls['bad']).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'INVALID_OUTPUT', callId: 'bad' } });
    expect(result.calls['bad']?.error?.message).toContain('result.n');
    expect(result.calls['after_bad']?.status).toBe('skipped');
  });

  it('a result with a cycle passed whole to the next call: the run ends and nothing throws afterwards', async () => {
    const make = tool({ name: 'make', execute: () => { const root: Record<string, unknown> = { name: 'root' }; root['self'] = root; return root; } });
    const use = tool({ name: 'use', execute: (a: { tree: { name: string } }) => a.tree.name });
    const result = await run({ calls: [{ id: 'a', tool: 'make', args: {} }, { id: 'b', tool: 'use', args: { tree: '${a}' } }] }, { tools: [make, use] });
    expect(result.calls['b']).toMatchObject({ status: 'succeeded', result: 'root' });
    // The engine tidies up after the run in a microtask: an error there would surface as an unhandled error of this test.
    await new Promise((r) => setTimeout(r, 5));
  });

  it('a tool returning a thenable whose then() throws fails with TOOL_ERROR; the run goes on', async () => {
    const clock = new VirtualClock();
    const bad = tool({ name: 'bad', execute: () => ({ then() { throw new Error('bad thenable'); } }) as never });
    const slow = timedTool(clock, 'slow', 10);
    const done = run(
      { calls: [{ id: 'first', tool: 'bad', args: {} }, { id: 's', tool: 'slow', args: {} }, { id: 'later', tool: 'bad', args: {}, after: ['s'] }, { id: 'after', tool: 'slow', args: {}, after: ['s'] }] },
      { tools: [bad, slow], scheduler: clock.scheduler },
    );
    await clock.run();
    const result = await done;
    for (const id of ['first', 'later']) expect(result.calls[id]).toMatchObject({ status: 'failed', error: { code: 'TOOL_ERROR', message: 'bad thenable' } });
    expect(result.calls['after']?.status).toBe('succeeded');
  });

  it('an input or output schema that throws (a transform, a refinement) fails the call INVALID_ARGS / INVALID_OUTPUT', async () => {
    const clock = new VirtualClock();
    const slow = timedTool(clock, 'slow', 10, () => ({ text: 'not json' }));
    const parse = tool({ name: 'parse', input: z.object({ text: z.string().transform((t) => JSON.parse(t) as unknown) }), execute: (a: { text: unknown }) => a.text });
    const out = tool({ name: 'out', output: z.string().refine(() => { throw new Error('refine blew up'); }), execute: () => 'x' });
    const done = run(
      { calls: [{ id: 'now', tool: 'parse', args: { text: '{' } }, { id: 's', tool: 'slow', args: {} }, { id: 'later', tool: 'parse', args: { text: '${s.text}' } }, { id: 'o', tool: 'out', args: {}, after: ['s'] }, { id: 'ok', tool: 'slow', args: {}, after: ['s'] }] },
      { tools: [slow, parse, out], scheduler: clock.scheduler },
    );
    await clock.run();
    const result = await done;
    for (const id of ['now', 'later']) expect(result.calls[id]).toMatchObject({ status: 'failed', error: { code: 'INVALID_ARGS', message: expect.stringContaining('the input schema of parse threw') as unknown } });
    expect(result.calls['o']).toMatchObject({ status: 'failed', error: { code: 'INVALID_OUTPUT', message: expect.stringContaining('refine blew up') as unknown } });
    expect(result.calls['ok']?.status).toBe('succeeded');
  });

  it('an onEvent listener that throws rejects run() with its error and cancels the rest; nothing hangs', async () => {
    const clock = new VirtualClock();
    const slow = timedTool(clock, 'slow', 5);
    const seen: string[] = [];
    const done = run(
      { calls: [{ id: 'a', tool: 'slow', args: {} }, { id: 'b', tool: 'slow', args: {}, after: ['a'] }] },
      {
        tools: [slow],
        scheduler: clock.scheduler,
        onEvent: (e) => {
          seen.push(e.type);
          if (e.type === 'call_succeeded') throw new Error('listener bug');
        },
      },
    );
    const settled = done.then(() => 'resolved', (e: Error) => e.message);
    await clock.run();
    expect(await settled).toBe('listener bug');
    expect(slow.starts.map((s) => s.id)).toEqual(['a']);
    expect(seen.filter((t) => t === 'call_succeeded')).toHaveLength(1); // not told of what followed
    expect(clock.pendingTimers).toBe(0);
  });

  it('a plain object with name and execute is accepted as a tool (no input schema = any object)', async () => {
    const result = await run({ calls: [{ id: 'p', tool: 'plain', args: { any: ['thing'] } }] }, { tools: [{ name: 'plain', effects: { readOnly: true }, execute: (a: Record<string, unknown>) => a['any'] }] });
    expect(result.calls['p']).toMatchObject({ status: 'succeeded', result: ['thing'] });
  });

  it('ctx carries callId, runId and attempt', async () => {
    const seen: unknown[] = [];
    const ctxTool = tool({ name: 'ctx', execute: (_a, ctx) => seen.push({ callId: ctx.callId, runId: ctx.runId, attempt: ctx.attempt, aborted: ctx.signal.aborted }) });
    await run({ calls: [{ id: 'q', tool: 'ctx', args: {} }] }, { tools: [ctxTool], runId: 'r-9' });
    expect(seen).toEqual([{ callId: 'q', runId: 'r-9', attempt: 1, aborted: false }]);
  });
});
