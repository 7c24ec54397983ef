import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RunEventSchema, isTerminalEvent, type RunEvent } from '../../src/schedule/events.js';
import { execute } from '../../src/schedule/scheduler.js';
import { VirtualClock, timedTool, tool } from './harness.js';

describe('events (semantic 8)', () => {
  it('every event parses with RunEventSchema; one runId; t non-decreasing; one terminal event per call; run_finished last', async () => {
    const clock = new VirtualClock();
    const ok = timedTool(clock, 'ok', 10);
    const fail = tool({
      name: 'fail',
      execute: async () => {
        await clock.sleep(5);
        throw new Error('nope');
      },
    });
    const hang = tool({ name: 'hang', timeoutMs: 40, execute: (_a, ctx) => new Promise((_, rej) => ctx.signal.addEventListener('abort', () => rej(new Error('aborted')))) });
    const typed = tool({ name: 'typed', input: z.object({ n: z.number() }), execute: (a) => a.n });
    const events: RunEvent[] = [];
    const done = lastValueFrom(
      execute(
        {
          calls: [
            { id: 'a', tool: 'ok', args: {} },
            { id: 'b', tool: 'fail', args: {} },
            { id: 'c', tool: 'ok', args: { x: '${b}' } },
            { id: 'd', tool: 'hang', args: {} },
            { id: 'e', tool: 'typed', args: { n: 'no' } },
            { id: 'f', tool: 'nope', args: {} },
            { id: 'g', tool: 'ok', args: { x: '${a}' } },
          ],
        },
        { tools: [ok, fail, hang, typed], scheduler: clock.scheduler, runId: 'run-1' },
      ).pipe(toArray()),
    );
    await clock.run();
    events.push(...(await done));
    for (const e of events) expect(RunEventSchema.safeParse(e).success, JSON.stringify(e)).toBe(true);
    expect(new Set(events.map((e) => e.runId))).toEqual(new Set(['run-1']));
    for (let i = 1; i < events.length; i++) expect((events[i] as RunEvent).t).toBeGreaterThanOrEqual((events[i - 1] as RunEvent).t);
    expect(events[0]).toMatchObject({ type: 'run_started', t: 0, calls: 7 });
    const last = events.at(-1);
    expect(last?.type).toBe('run_finished');
    if (last?.type !== 'run_finished') return;
    expect(last.metrics).toMatchObject({ calls: 7, succeeded: 2, failed: 4, skipped: 1, cancelled: 0 });
    expect(last.t).toBe(40);
    const terminals = events.filter(isTerminalEvent);
    expect(terminals.map((e) => e.callId).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(Object.fromEntries(terminals.map((e) => [e.callId, e.type]))).toEqual({
      a: 'call_succeeded',
      b: 'call_failed',
      c: 'call_skipped',
      d: 'call_failed',
      e: 'call_failed',
      f: 'call_failed',
      g: 'call_succeeded',
    });
    // g waited for its input a (a call_waiting event before it was ready).
    expect(events.filter((e) => e.type === 'call_waiting')).toEqual([
      { type: 'call_waiting', runId: 'run-1', t: 0, callId: 'c', tool: 'ok', reason: 'input', on: 'b', inputs: 1 },
      { type: 'call_waiting', runId: 'run-1', t: 0, callId: 'g', tool: 'ok', reason: 'input', on: 'a', inputs: 1 },
    ]);
    // Each call that ran: ready, then started, then its terminal event.
    for (const id of ['a', 'b', 'd', 'g']) {
      const mine = events.filter((e) => 'callId' in e && e.callId === id && e.type !== 'call_waiting').map((e) => e.type);
      expect(mine[0]).toBe('call_ready');
      expect(mine[1]).toBe('call_started');
      expect(mine).toHaveLength(3);
    }
    const succeeded = events.find((e) => e.type === 'call_succeeded' && e.callId === 'g');
    expect(succeeded).toMatchObject({ tool: 'ok', t: 20, durationMs: 10, attempts: 1, result: { x: {} } });
    const started = events.find((e) => e.type === 'call_started' && e.callId === 'g');
    expect(started).toMatchObject({ t: 10, attempt: 1, args: { x: {} } });
  });

  it('completes the Observable after run_finished, and each subscription is its own run', async () => {
    const t = tool({ name: 't', execute: () => 1 });
    const source = execute({ calls: [{ id: 'x', tool: 't', args: {} }] }, { tools: [t] });
    const first = await lastValueFrom(source.pipe(toArray()));
    const second = await lastValueFrom(source.pipe(toArray()));
    expect(first.map((e) => e.type)).toEqual(['run_started', 'call_ready', 'call_started', 'call_succeeded', 'run_finished']);
    expect(second.map((e) => e.type)).toEqual(first.map((e) => e.type));
    expect(first[0]?.runId).not.toBe(second[0]?.runId);
  });

  it('errors the Observable with a PlanError when the plan is not a plan at all', async () => {
    await expect(lastValueFrom(execute({ nope: true }, { tools: [] }))).rejects.toMatchObject({ name: 'PlanError' });
  });
});
