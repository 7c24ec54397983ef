import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_MS } from '../../src/schedule/run-engine.js';
import { run } from '../../src/schedule/scheduler.js';
import type { ToolContext } from '../../src/tools/tool-types.js';
import { EventLog, VirtualClock, timedTool, tool } from './harness.js';

/** A tool that never finishes on its own; it rejects when its signal aborts and records the signal. */
function hangTool(name: string, extra: { timeoutMs?: number } = {}) {
  const signals = new Map<string, AbortSignal>();
  const t = tool({
    name,
    ...extra,
    execute: (_args, ctx: ToolContext) => {
      signals.set(ctx.callId, ctx.signal);
      return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error)));
    },
  });
  return { ...t, signals };
}

describe('timeouts (semantic 5), in virtual time', () => {
  it('a per-tool timeout aborts the signal, fails the call TIMEOUT, skips its dependents, and the run goes on', async () => {
    const clock = new VirtualClock();
    const hang = hangTool('hang', { timeoutMs: 100 });
    const ok = timedTool(clock, 'ok', 150);
    const log = new EventLog();
    const done = run(
      {
        calls: [
          { id: 'h', tool: 'hang', args: {} },
          { id: 'o', tool: 'ok', args: {} },
          { id: 'after_h', tool: 'ok', args: {}, after: ['h'] },
          { id: 'after_o', tool: 'ok', args: {}, after: ['o'] },
        ],
      },
      { tools: [hang, ok], scheduler: clock.scheduler, onEvent: log.onEvent },
    );
    await clock.run();
    const result = await done;
    expect(hang.signals.get('h')?.aborted).toBe(true);
    expect(result.calls['h']).toMatchObject({ status: 'failed', endedMs: 100, error: { code: 'TIMEOUT', callId: 'h', details: { timeoutMs: 100 } } });
    expect(result.calls['after_h']).toMatchObject({ status: 'skipped', error: { details: { cause: 'h' } } });
    expect(result.calls['o']).toMatchObject({ status: 'succeeded', endedMs: 150 });
    expect(result.calls['after_o']).toMatchObject({ status: 'succeeded', startedMs: 150, endedMs: 300 });
    expect(clock.pendingTimers).toBe(0);
    log.assertWellFormed(['h', 'o', 'after_h', 'after_o']);
  });

  it('the run default is 30 s', async () => {
    expect(DEFAULT_TIMEOUT_MS).toBe(30_000);
    const clock = new VirtualClock();
    const hang = hangTool('hang');
    const done = run({ calls: [{ id: 'h', tool: 'hang', args: {} }] }, { tools: [hang], scheduler: clock.scheduler });
    await clock.run(29_999);
    expect(hang.signals.get('h')?.aborted).toBe(false);
    await clock.run();
    const result = await done;
    expect(result.calls['h']).toMatchObject({ status: 'failed', endedMs: 30_000, error: { code: 'TIMEOUT' } });
    expect(hang.signals.get('h')?.aborted).toBe(true);
  });

  it('options.timeoutMs sets the run default; a tool timeoutMs overrides it', async () => {
    const clock = new VirtualClock();
    const hang = hangTool('hang');
    const quick = hangTool('quick', { timeoutMs: 20 });
    const done = run(
      { calls: [{ id: 'h', tool: 'hang', args: {} }, { id: 'q', tool: 'quick', args: {} }, { id: 'h2', tool: 'hang', args: {}, after: ['q'] }] },
      { tools: [hang, quick], scheduler: clock.scheduler, timeoutMs: 500, onError: 'continue' },
    );
    await clock.run();
    const result = await done;
    expect(result.calls['q']).toMatchObject({ endedMs: 20, error: { code: 'TIMEOUT' } });
    expect(result.calls['h']).toMatchObject({ endedMs: 500, error: { code: 'TIMEOUT' } });
    expect(result.calls['h2']?.status).toBe('skipped');
  });

  it('a tool that ignores its signal and finishes after the timeout does not change the outcome', async () => {
    const clock = new VirtualClock();
    const stubborn = tool({
      name: 'stubborn',
      timeoutMs: 100,
      execute: async () => {
        await clock.sleep(250); // ignores the signal
        return 'late';
      },
    });
    const log = new EventLog();
    const done = run({ calls: [{ id: 's', tool: 'stubborn', args: {} }] }, { tools: [stubborn], scheduler: clock.scheduler, onEvent: log.onEvent });
    await clock.run();
    const result = await done;
    expect(result.calls['s']).toMatchObject({ status: 'failed', endedMs: 100, error: { code: 'TIMEOUT' } });
    log.assertWellFormed(['s']);
    expect(log.of('call_succeeded')).toHaveLength(0);
  });

  it('timeouts of many calls started at different times each fire at their own deadline', async () => {
    const clock = new VirtualClock();
    const hang = hangTool('hang', { timeoutMs: 100 });
    const step = timedTool(clock, 'step', 30);
    const done = run(
      {
        calls: [
          { id: 'h0', tool: 'hang', args: {} },
          { id: 's1', tool: 'step', args: {} },
          { id: 'h1', tool: 'hang', args: {}, after: ['s1'] },
          { id: 's2', tool: 'step', args: {}, after: ['s1'] },
          { id: 'h2', tool: 'hang', args: {}, after: ['s2'] },
        ],
      },
      { tools: [hang, step], scheduler: clock.scheduler },
    );
    await clock.run();
    const result = await done;
    expect([result.calls['h0']?.endedMs, result.calls['h1']?.endedMs, result.calls['h2']?.endedMs]).toEqual([100, 130, 160]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a streaming tool that times out has its iterator closed and its partials stop', async () => {
    const clock = new VirtualClock();
    let closed = false;
    const stream = tool({
      name: 'stream',
      timeoutMs: 25,
      async *execute() {
        try {
          for (let i = 0; ; i++) {
            yield i;
            await clock.sleep(10);
          }
        } finally {
          closed = true;
        }
      },
    });
    const log = new EventLog();
    const done = run({ calls: [{ id: 's', tool: 'stream', args: {} }] }, { tools: [stream], scheduler: clock.scheduler, onEvent: log.onEvent });
    await clock.run(1000);
    const result = await done;
    expect(result.calls['s']).toMatchObject({ status: 'failed', endedMs: 25, error: { code: 'TIMEOUT' } });
    expect(closed).toBe(true);
    expect(log.of('call_partial').every((e) => e.t <= 25)).toBe(true);
    log.assertWellFormed(['s']);
  });
});
