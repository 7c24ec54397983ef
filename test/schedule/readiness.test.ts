import { describe, expect, it } from 'vitest';
import { run } from '../../src/schedule/scheduler.js';
import { EventLog, drainMicrotasks, manualTool, tool } from './harness.js';

describe('readiness (semantic 1)', () => {
  it('starts a dependent in the same turn its last input finished, before a setImmediate queued right after', async () => {
    const slow = manualTool('slow');
    const order: string[] = [];
    const dependent = tool({
      name: 'dependent',
      execute: (args: Record<string, unknown>) => {
        order.push('dependent started');
        return args;
      },
    });
    const done = run(
      {
        calls: [
          { id: 'a', tool: 'slow', args: {} },
          { id: 'b', tool: 'slow', args: {} },
          { id: 'c', tool: 'dependent', args: { x: '${a.v}', y: '${b.v}' } },
        ],
      },
      { tools: [slow, dependent] },
    );
    await drainMicrotasks();
    expect(slow.started).toEqual(['a', 'b']);
    slow.pending.get('a')?.resolve({ v: 1 });
    await drainMicrotasks();
    expect(order).toEqual([]); // b is still running
    slow.pending.get('b')?.resolve({ v: 2 });
    setImmediate(() => order.push('next turn'));
    const result = await done;
    await drainMicrotasks();
    expect(order).toEqual(['dependent started', 'next turn']);
    expect(result.calls['c']?.args).toEqual({ x: 1, y: 2 });
  });

  it('an `after` dependency makes a call wait without a placeholder', async () => {
    const slow = manualTool('slow');
    const log = new EventLog();
    const done = run(
      {
        calls: [
          { id: 'first', tool: 'slow', args: {} },
          { id: 'second', tool: 'slow', args: {}, after: ['first'] },
        ],
      },
      { tools: [slow], onEvent: log.onEvent },
    );
    await drainMicrotasks();
    expect(slow.started).toEqual(['first']);
    slow.pending.get('first')?.resolve('ok');
    await drainMicrotasks();
    expect(slow.started).toEqual(['first', 'second']);
    slow.pending.get('second')?.resolve('ok');
    const result = await done;
    expect(result.calls['second']?.status).toBe('succeeded');
    log.assertWellFormed(['first', 'second']);
  });

  it('with synchronous tools, every dependent runs inside the call to run() itself (no polling, no timers)', () => {
    const calls: string[] = [];
    const sync = tool({
      name: 'sync',
      execute: (args: Record<string, unknown>, ctx) => {
        calls.push(ctx.callId);
        return { n: (typeof args['n'] === 'number' ? args['n'] : 0) + 1 };
      },
    });
    void run(
      {
        calls: [
          { id: 'a', tool: 'sync', args: {} },
          { id: 'b', tool: 'sync', args: { n: '${a.n}' } },
          { id: 'c', tool: 'sync', args: { n: '${b.n}' } },
        ],
      },
      { tools: [sync] },
    );
    expect(calls).toEqual(['a', 'b', 'c']);
  });

  it('a dependent of a promise-returning tool starts within the microtasks of that promise, not a later macrotask', async () => {
    const started: string[] = [];
    const gate = manualTool('gate');
    const next = tool({
      name: 'next',
      execute: (_args, ctx) => {
        started.push(ctx.callId);
        return Promise.resolve(ctx.callId);
      },
    });
    const done = run(
      {
        calls: [
          { id: 'g', tool: 'gate', args: {} },
          { id: 'n1', tool: 'next', args: {}, after: ['g'] },
          { id: 'n2', tool: 'next', args: {}, after: ['n1'] },
          { id: 'n3', tool: 'next', args: {}, after: ['n2'] },
        ],
      },
      { tools: [gate, next] },
    );
    await drainMicrotasks();
    gate.pending.get('g')?.resolve('go');
    let macrotaskRan = false;
    setImmediate(() => {
      macrotaskRan = true;
      expect(started).toEqual(['n1', 'n2', 'n3']);
    });
    await done;
    expect(macrotaskRan).toBe(false);
    expect(started).toEqual(['n1', 'n2', 'n3']);
  });
});
