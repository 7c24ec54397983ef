import { describe, expect, it } from 'vitest';
import { run } from '../../src/schedule/scheduler.js';
import { VirtualClock, timedTool, tool } from './harness.js';

describe('RunResult (semantic 11)', () => {
  it('records status, filled args, result or error, times and attempts, and metrics on a hand-computed example', async () => {
    const clock = new VirtualClock();
    const durations: Record<string, number> = { a: 10, b: 20, c: 30, d: 5 };
    const w = timedTool(clock, 'w', (args) => durations[args['name'] as string] ?? 0, (args) => ({ name: args['name'], len: (args['name'] as string).length }));
    const boom = tool({
      name: 'boom',
      execute: async () => {
        await clock.sleep(7);
        throw new RangeError('out of range');
      },
    });
    const done = run(
      {
        calls: [
          { id: 'a', tool: 'w', args: { name: 'a' } },
          { id: 'b', tool: 'w', args: { name: 'b' } },
          { id: 'c', tool: 'w', args: { name: 'c', from: ['${a.name}', '${b.len}'] } },
          { id: 'd', tool: 'w', args: { name: 'd', from: 'got ${a.name}' } },
          { id: 'e', tool: 'boom', args: {}, after: ['d'] },
          { id: 'f', tool: 'w', args: { name: 'f' }, after: ['e'] },
        ],
      },
      { tools: [w, boom], concurrency: 1, scheduler: clock.scheduler },
    );
    await clock.run();
    const result = await done;
    // Concurrency 1. Ranks (1 ms per call): a = 1 + max(c, d + e + f) = 4, b = 2, c = 1, d = 3, e = 2, f = 1.
    // a 0-10; then d (rank 3) 10-15; then b (2) vs e (2): b by plan order 15-35; then e 35-42 (fails);
    // then c 42-72. f is skipped.
    expect(result.order).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(result.calls['a']).toEqual({ id: 'a', tool: 'w', status: 'succeeded', args: { name: 'a' }, result: { name: 'a', len: 1 }, startedMs: 0, endedMs: 10, attempts: 1 });
    expect(result.calls['d']).toMatchObject({ status: 'succeeded', args: { name: 'd', from: 'got a' }, startedMs: 10, endedMs: 15 });
    expect(result.calls['b']).toMatchObject({ status: 'succeeded', startedMs: 15, endedMs: 35 });
    expect(result.calls['e']).toMatchObject({ status: 'failed', startedMs: 35, endedMs: 42, attempts: 1, error: { code: 'TOOL_ERROR', name: 'RangeError', message: 'out of range' } });
    expect(result.calls['e']?.result).toBeUndefined();
    expect(result.calls['c']).toEqual({ id: 'c', tool: 'w', status: 'succeeded', args: { name: 'c', from: ['a', 1] }, result: { name: 'c', len: 1 }, startedMs: 42, endedMs: 72, attempts: 1 });
    expect(result.calls['f']).toMatchObject({ status: 'skipped', args: { name: 'f' }, attempts: 0, endedMs: 42 });
    expect(result.calls['f']?.startedMs).toBeUndefined();
    expect(result.metrics).toEqual({
      calls: 6,
      succeeded: 4,
      failed: 1,
      skipped: 1,
      cancelled: 0,
      rejected: 0,
      makespanMs: 72,
      // Longest chain of observed durations: b (20) + c (30) = 50 (a + d + e = 22).
      criticalPathMs: 50,
      makespanOverCriticalPath: 72 / 50,
      maxParallelism: 1,
      // a → d → e is three rounds deep (f never ran).
      rounds: 3,
      dependencyDepth: 3,
      retries: 0,
      hedges: 0,
      coalesced: 0,
    });
  });

  it('uncapped, the same plan runs on its critical path: makespan / critical path is exactly 1', async () => {
    const clock = new VirtualClock();
    const durations: Record<string, number> = { a: 10, b: 20, c: 30, d: 5 };
    const w = timedTool(clock, 'w', (args) => durations[args['name'] as string] ?? 0);
    const done = run(
      {
        calls: [
          { id: 'a', tool: 'w', args: { name: 'a' } },
          { id: 'b', tool: 'w', args: { name: 'b' } },
          { id: 'c', tool: 'w', args: { name: 'c', x: '${a}', y: '${b}' } },
          { id: 'd', tool: 'w', args: { name: 'd', x: '${a}' } },
        ],
      },
      { tools: [w], concurrency: Infinity, scheduler: clock.scheduler },
    );
    await clock.run();
    const { metrics, calls } = await done;
    expect([calls['a']?.startedMs, calls['b']?.startedMs, calls['d']?.startedMs, calls['c']?.startedMs]).toEqual([0, 0, 10, 20]);
    // [0,10] [0,20] [10,15] [20,50]: at most 2 at once (an end at t counts before a start at t).
    expect(metrics).toMatchObject({ makespanMs: 50, criticalPathMs: 50, makespanOverCriticalPath: 1, maxParallelism: 2, rounds: 2 });
  });

  it('an empty plan finishes at once with zeroed metrics', async () => {
    const result = await run({ calls: [] }, { tools: [] });
    expect(result.order).toEqual([]);
    expect(result.metrics).toMatchObject({ calls: 0, makespanMs: 0, criticalPathMs: 0, makespanOverCriticalPath: 1, maxParallelism: 0, rounds: 0 });
  });
});
