import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { run } from '../../src/schedule/scheduler.js';
import { EventLog, VirtualClock, timedTool, tool } from './harness.js';

/** A read-only tool named `fail` that throws `boom` after `ms` of virtual time. */
function failsAfter(clock: VirtualClock, ms: number) {
  return tool({
    name: 'fail',
    execute: async () => {
      await clock.sleep(ms);
      throw new Error('boom');
    },
  });
}

class QuotaError extends Error {
  override name = 'QuotaError';
  readonly code = 'E_QUOTA';
}

describe('failures (semantic 6)', () => {
  it('a tool that throws or rejects ends failed with TOOL_ERROR, its message and its error name', async () => {
    const throwsSync = tool({
      name: 'throws_sync',
      execute: () => {
        throw new TypeError('bad input');
      },
    });
    const rejects = tool({ name: 'rejects', execute: () => Promise.reject(new QuotaError('quota exceeded')) });
    const throwsString = tool({
      name: 'throws_string',
      execute: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw 'plain text';
      },
    });
    const log = new EventLog();
    const result = await run(
      {
        calls: [
          { id: 's', tool: 'throws_sync', args: {} },
          { id: 'r', tool: 'rejects', args: {} },
          { id: 't', tool: 'throws_string', args: {} },
        ],
      },
      { tools: [throwsSync, rejects, throwsString], onEvent: log.onEvent },
    );
    expect(result.calls['s']).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'TOOL_ERROR', message: 'bad input', name: 'TypeError', callId: 's' } });
    expect(result.calls['r']).toMatchObject({ status: 'failed', error: { code: 'TOOL_ERROR', message: 'quota exceeded', name: 'QuotaError', details: { code: 'E_QUOTA' } } });
    expect(result.calls['t']).toMatchObject({ status: 'failed', error: { code: 'TOOL_ERROR', message: 'plain text' } });
    expect(log.of('call_failed').map((e) => [e.callId, e.error.code])).toEqual([
      ['s', 'TOOL_ERROR'],
      ['t', 'TOOL_ERROR'],
      ['r', 'TOOL_ERROR'],
    ]);
    log.assertWellFormed(['s', 'r', 't']);
  });

  it('skips every transitive dependent with the failed ancestor id; independent calls go on', async () => {
    const clock = new VirtualClock();
    const fail = failsAfter(clock, 10);
    const ok = timedTool(clock, 'ok', 20);
    const log = new EventLog();
    const done = run(
      {
        calls: [
          { id: 'a', tool: 'fail', args: {} },
          { id: 'b', tool: 'ok', args: { x: '${a}' } },
          { id: 'c', tool: 'ok', args: { x: '${b}' } },
          { id: 'd', tool: 'ok', args: {} },
          { id: 'e', tool: 'ok', args: { x: '${d}' }, after: ['a'] },
          { id: 'f', tool: 'ok', args: { x: '${d}' } },
          { id: 'g', tool: 'ok', args: {}, after: ['c', 'f'] },
        ],
      },
      { tools: [fail, ok], scheduler: clock.scheduler, onEvent: log.onEvent },
    );
    await clock.run();
    const result = await done;
    const statuses = Object.fromEntries(Object.values(result.calls).map((c) => [c.id, c.status]));
    expect(statuses).toEqual({ a: 'failed', b: 'skipped', c: 'skipped', d: 'succeeded', e: 'skipped', f: 'succeeded', g: 'skipped' });
    for (const id of ['b', 'c', 'e', 'g']) {
      expect(result.calls[id]).toMatchObject({ attempts: 0, error: { code: 'SKIPPED', callId: id, details: { cause: 'a' } } });
      expect(result.calls[id]?.startedMs).toBeUndefined();
    }
    expect(log.of('call_skipped').map((e) => [e.callId, e.cause]).sort()).toEqual([
      ['b', 'a'],
      ['c', 'a'],
      ['e', 'a'],
      ['g', 'a'],
    ]);
    expect(result.calls['f']?.endedMs).toBe(40);
    expect(ok.starts.map((s) => s.id).sort()).toEqual(['d', 'f']);
    log.assertWellFormed(Object.keys(statuses));
  });

  it("onError: 'abort' cancels the rest of the run: running signals abort, nothing else starts", async () => {
    const clock = new VirtualClock();
    const fail = failsAfter(clock, 10);
    const long = timedTool(clock, 'long', 100);
    const started: string[] = [];
    const log = new EventLog();
    const done = run(
      {
        calls: [
          { id: 'a', tool: 'fail', args: {} },
          { id: 'running', tool: 'long', args: {} },
          { id: 'queued', tool: 'long', args: {} },
          { id: 'child', tool: 'long', args: {}, after: ['a'] },
          { id: 'later', tool: 'long', args: {}, after: ['running'] },
        ],
      },
      {
        tools: [fail, long],
        concurrency: 2,
        onError: 'abort',
        scheduler: clock.scheduler,
        onEvent: (e) => {
          log.onEvent(e);
          if (e.type === 'call_started') started.push(e.callId);
        },
      },
    );
    await clock.run();
    const result = await done;
    expect(started).toEqual(['a', 'running']);
    expect(result.calls['a']?.status).toBe('failed');
    expect(result.calls['child']?.status).toBe('skipped');
    for (const id of ['running', 'queued', 'later']) expect(result.calls[id]).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    expect(result.calls['running']?.endedMs).toBe(10);
    expect(long.starts.map((s) => s.id)).toEqual(['running']);
    expect(long.starts[0]?.signal.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
    log.assertWellFormed(['a', 'running', 'queued', 'child', 'later']);
  });

  it("onError: 'abort' also cancels the run when a call fails before its tool runs (bad args, unknown tool)", async () => {
    for (const [bad, whenReady] of [
      [{ id: 'a', tool: 'strict', args: { n: 'not a number' } }, true],
      [{ id: 'a', tool: 'strict', args: { n: '${first.missing}' } }, true],
      [{ id: 'a', tool: 'nope', args: {} }, false], // fails as the plan registers: nothing has started
    ] as const) {
      const clock = new VirtualClock();
      const long = timedTool(clock, 'long', 100);
      const first = timedTool(clock, 'first', 5);
      const strict = tool({ name: 'strict', input: z.object({ n: z.number() }), execute: (a: { n: number }) => a.n });
      const done = run(
        { calls: [{ id: 'first', tool: 'first', args: {} }, { id: 'slow', tool: 'long', args: {} }, { ...bad, after: ['first'] }] },
        { tools: [long, first, strict], onError: 'abort', scheduler: clock.scheduler },
      );
      await clock.run();
      const result = await done;
      expect(result.calls['a']?.status).toBe('failed');
      expect(result.calls['slow']).toMatchObject({ status: 'cancelled', error: { message: 'cancelled: aborted because "a" failed' } });
      if (whenReady) expect(long.starts[0]?.signal.aborted).toBe(true);
      else expect(long.starts).toEqual([]);
    }
  });

  it('a failure in a wide fan-out skips only its own subtree', async () => {
    const maybe = tool({
      name: 'maybe',
      execute: (args: Record<string, unknown>) => {
        if (args['fail'] === true) throw new Error(`fail ${String(args['i'])}`);
        return args['i'];
      },
    });
    const calls = [
      { id: 'root', tool: 'maybe', args: { i: 0 } },
      ...Array.from({ length: 50 }, (_, i) => ({ id: `m${i}`, tool: 'maybe', args: { i, fail: i % 7 === 3, up: '${root}' } })),
      ...Array.from({ length: 50 }, (_, i) => ({ id: `l${i}`, tool: 'maybe', args: { i, up: `\${m${i}}` } })),
    ];
    const result = await run({ calls }, { tools: [maybe] });
    for (let i = 0; i < 50; i++) {
      const failed = i % 7 === 3;
      expect(result.calls[`m${i}`]?.status).toBe(failed ? 'failed' : 'succeeded');
      expect(result.calls[`l${i}`]?.status).toBe(failed ? 'skipped' : 'succeeded');
      if (failed) expect(result.calls[`l${i}`]?.error?.details?.['cause']).toBe(`m${i}`);
    }
  });
});
