import { describe, expect, it } from 'vitest';
import type { Call } from '../../src/plan/schema.js';
import { run } from '../../src/schedule/scheduler.js';
import { EventLog, VirtualClock, drainMicrotasks, manualTool, timedTool } from './harness.js';

const independent = (n: number, toolName: string, prefix = toolName): Call[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, tool: toolName, args: { i } }));

/** Most calls running at once, from call_started and terminal events. */
function peakRunning(log: EventLog, filter: (tool: string) => boolean = () => true): number {
  let running = 0;
  let peak = 0;
  const live = new Set<string>();
  for (const e of log.events) {
    if (e.type === 'call_started' && filter(e.tool)) {
      live.add(e.callId);
      running++;
      peak = Math.max(peak, running);
    } else if ((e.type === 'call_succeeded' || e.type === 'call_failed' || e.type === 'call_cancelled') && live.delete(e.callId)) {
      running--;
    }
  }
  return peak;
}

describe('global concurrency cap (semantic 2)', () => {
  it('runs at most 8 calls at once by default and starts the next one as soon as a slot frees', async () => {
    const work = manualTool('work');
    const done = run({ calls: independent(20, 'work') }, { tools: [work] });
    await drainMicrotasks();
    expect(work.started).toHaveLength(8);
    work.pending.get('work3')?.resolve('x');
    await drainMicrotasks();
    expect(work.started).toHaveLength(9);
    expect(work.started[8]).toBe('work8');
    for (let i = 0; i < 20; i++) {
      for (const [id, d] of work.pending) {
        work.pending.delete(id);
        d.resolve(id);
      }
      await drainMicrotasks();
    }
    const result = await done;
    expect(Object.values(result.calls).every((c) => c.status === 'succeeded')).toBe(true);
    expect(result.metrics.maxParallelism).toBe(8);
  });

  it('honours an explicit concurrency and Infinity', async () => {
    for (const [concurrency, expected] of [
      [3, 3],
      [Infinity, 20],
    ] as const) {
      const clock = new VirtualClock();
      const work = timedTool(clock, 'work', 10);
      const log = new EventLog();
      const done = run({ calls: independent(20, 'work') }, { tools: [work], concurrency, scheduler: clock.scheduler, onEvent: log.onEvent });
      await clock.run();
      const result = await done;
      expect(peakRunning(log)).toBe(expected);
      expect(result.metrics.maxParallelism).toBe(expected);
      expect(result.metrics.makespanMs).toBe(Math.ceil(20 / expected) * 10);
    }
  });

  it('refuses a concurrency below 1 with INVALID_OPTION', async () => {
    await expect(run({ calls: [] }, { tools: [], concurrency: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});

describe('per-tool caps (semantic 2)', () => {
  it('runs at most `concurrency` calls of a tool at once', async () => {
    const clock = new VirtualClock();
    const capped = timedTool(clock, 'capped', 10, undefined, { concurrency: 2 });
    const log = new EventLog();
    const done = run({ calls: independent(7, 'capped') }, { tools: [capped], scheduler: clock.scheduler, onEvent: log.onEvent });
    await clock.run();
    const result = await done;
    expect(peakRunning(log)).toBe(2);
    expect(capped.starts.map((s) => s.t)).toEqual([0, 0, 10, 10, 20, 20, 30]);
    expect(result.metrics.makespanMs).toBe(40);
  });

  it('rate limit: at most `limit` starts in any `intervalMs` window, in virtual time', async () => {
    const clock = new VirtualClock();
    const limited = timedTool(clock, 'limited', 1, undefined, { rateLimit: { limit: 2, intervalMs: 100 } });
    const done = run({ calls: independent(5, 'limited') }, { tools: [limited], scheduler: clock.scheduler });
    await clock.run();
    const result = await done;
    expect(limited.starts.map((s) => s.t)).toEqual([0, 0, 100, 100, 200]);
    expect(Object.values(result.calls).map((c) => c.status)).toEqual(Array(5).fill('succeeded'));
    const times = limited.starts.map((s) => s.t);
    for (let i = 2; i < times.length; i++) expect((times[i] as number) - (times[i - 2] as number)).toBeGreaterThanOrEqual(100);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a rate-limited tool does not delay other tools', async () => {
    const clock = new VirtualClock();
    const limited = timedTool(clock, 'limited', 1, undefined, { rateLimit: { limit: 1, intervalMs: 1000 } });
    const free = timedTool(clock, 'free', 5);
    const done = run({ calls: [...independent(3, 'limited'), ...independent(3, 'free')] }, { tools: [limited, free], concurrency: 2, scheduler: clock.scheduler });
    await clock.run();
    const result = await done;
    expect(limited.starts.map((s) => s.t)).toEqual([0, 1000, 2000]);
    // limited0 frees its global slot at t=1; the waiting limited calls take none, so free1 gets it.
    expect(free.starts.map((s) => s.t)).toEqual([0, 1, 5]);
    expect(result.calls['free2']?.endedMs).toBe(10);
  });
});

describe('no head-of-line blocking (semantic 2)', () => {
  it('calls waiting on tool A cap hold no global slot and do not block tool B', async () => {
    const a = manualTool('a', { concurrency: 1 });
    const b = manualTool('b');
    const done = run({ calls: [...independent(3, 'a'), ...independent(3, 'b')] }, { tools: [a, b], concurrency: 2 });
    await drainMicrotasks();
    expect(a.started).toEqual(['a0']);
    expect(b.started).toEqual(['b0']);
    b.pending.get('b0')?.resolve(0);
    await drainMicrotasks();
    expect(a.started).toEqual(['a0']);
    expect(b.started).toEqual(['b0', 'b1']);
    a.pending.get('a0')?.resolve(0);
    await drainMicrotasks();
    expect(a.started).toEqual(['a0', 'a1']);
    for (let i = 0; i < 6; i++) {
      for (const tool of [a, b]) {
        for (const [id, d] of tool.pending) {
          tool.pending.delete(id);
          d.resolve(id);
        }
      }
      await drainMicrotasks();
    }
    const result = await done;
    expect(result.metrics.succeeded).toBe(6);
  });

  it('20 calls of A (cap 1) listed before 20 of B, global cap 4, 50 ms each: makespan is exactly 1000 ms', async () => {
    const clock = new VirtualClock();
    const a = timedTool(clock, 'a', 50, undefined, { concurrency: 1 });
    const b = timedTool(clock, 'b', 50);
    const log = new EventLog();
    const done = run({ calls: [...independent(20, 'a'), ...independent(20, 'b')] }, { tools: [a, b], concurrency: 4, scheduler: clock.scheduler, onEvent: log.onEvent });
    await clock.run();
    const result = await done;
    expect(result.metrics.makespanMs).toBe(1000);
    expect(peakRunning(log)).toBeLessThanOrEqual(4);
    expect(peakRunning(log, (t) => t === 'a')).toBe(1);
    // B takes the three slots A cannot use: 20 calls in 7 rounds of 50 ms.
    expect(Math.max(...b.starts.map((s) => s.t))).toBe(300);
    expect(b.starts.filter((s) => s.t === 0)).toHaveLength(3);
  });
});
