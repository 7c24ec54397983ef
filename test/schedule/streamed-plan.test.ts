import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Call } from '../../src/plan/schema.js';
import { run } from '../../src/schedule/scheduler.js';
import { EventLog, VirtualClock, drainMicrotasks, manualTool, timedTool, tool } from './harness.js';

/** An AsyncIterable the test feeds by hand. */
function callQueue(): AsyncIterable<unknown> & { push(item: unknown): void; end(): void; fail(error: Error): void } {
  const items: unknown[] = [];
  const waiting: ((r: IteratorResult<unknown>) => void)[] = [];
  const failures: ((e: Error) => void)[] = [];
  let ended = false;
  return {
    push(item) {
      const w = waiting.shift();
      failures.shift();
      if (w !== undefined) w({ done: false, value: item });
      else items.push(item);
    },
    end() {
      ended = true;
      for (const w of waiting.splice(0)) w({ done: true, value: undefined });
    },
    fail(error) {
      waiting.splice(0);
      for (const f of failures.splice(0)) f(error);
    },
    [Symbol.asyncIterator]: () => ({
      next: () =>
        new Promise<IteratorResult<unknown>>((resolve, reject) => {
          if (items.length > 0) resolve({ done: false, value: items.shift() });
          else if (ended) resolve({ done: true, value: undefined });
          else {
            waiting.push(resolve);
            failures.push(reject);
          }
        }),
    }),
  };
}

const echo = tool({ name: 'echo', execute: (args: Record<string, unknown>) => args });

describe('streamed plans (semantic 9)', () => {
  for (const kind of ['AsyncIterable', 'Subject'] as const) {
    describe(`from an ${kind}`, () => {
      const make = () => {
        if (kind === 'Subject') {
          const subject = new Subject<unknown>();
          return { source: subject as unknown, push: (c: unknown) => subject.next(c), end: () => subject.complete() };
        }
        const q = callQueue();
        return { source: q as unknown, push: (c: unknown) => q.push(c), end: () => q.end() };
      };

      it('starts a call whose inputs are done before the rest of the plan arrives', async () => {
        const slow = manualTool('slow');
        const { source, push, end } = make();
        const log = new EventLog();
        const done = run(source, { tools: [slow, echo], onEvent: log.onEvent });
        push({ id: 'a', tool: 'slow', args: {} });
        await drainMicrotasks();
        expect(slow.started).toEqual(['a']);
        push({ id: 'b', tool: 'echo', args: { v: '${a.v}' } });
        await drainMicrotasks();
        slow.pending.get('a')?.resolve({ v: 7 });
        await drainMicrotasks();
        // b ran as soon as a finished, while the stream is still open.
        expect(log.of('call_succeeded').map((e) => e.callId)).toEqual(['a', 'b']);
        expect(log.of('run_finished')).toHaveLength(0);
        push({ id: 'c', tool: 'echo', args: { w: '${b.v}' } });
        end();
        const result = await done;
        expect(result.calls['c']).toMatchObject({ status: 'succeeded', result: { w: 7 } });
        expect(result.order).toEqual(['a', 'b', 'c']);
        log.assertWellFormed(['a', 'b', 'c']);
      });

      it('a reference to an id not seen yet waits for it', async () => {
        const { source, push, end } = make();
        const done = run(source, { tools: [echo] });
        push({ id: 'late_user', tool: 'echo', args: { v: '${early.x}' } });
        await drainMicrotasks();
        push({ id: 'early', tool: 'echo', args: { x: 42 } });
        end();
        const result = await done;
        expect(result.calls['late_user']).toMatchObject({ status: 'succeeded', args: { v: 42 } });
        expect((result.calls['late_user']?.startedMs ?? -1) >= (result.calls['early']?.endedMs ?? Infinity)).toBe(true);
      });

      it('at stream end, calls waiting on unknown ids fail UNKNOWN_REF and calls on a late-closed cycle fail CYCLE', async () => {
        const { source, push, end } = make();
        const log = new EventLog();
        const done = run(source, { tools: [echo], onEvent: log.onEvent });
        push({ id: 'ghost_user', tool: 'echo', args: { v: '${ghost}' } });
        push({ id: 'x', tool: 'echo', args: { v: '${y}' } });
        push({ id: 'y', tool: 'echo', args: { v: '${x}' } });
        push({ id: 'z', tool: 'echo', args: { v: '${y}' } });
        push({ id: 'fine', tool: 'echo', args: {} });
        await drainMicrotasks();
        expect(log.of('call_started').map((e) => e.callId)).toEqual(['fine']);
        end();
        const result = await done;
        expect(result.calls['ghost_user']).toMatchObject({ status: 'failed', error: { code: 'UNKNOWN_REF', details: { ref: 'ghost' } } });
        expect(result.calls['x']?.error?.code).toBe('CYCLE');
        expect(result.calls['y']?.error?.code).toBe('CYCLE');
        expect(result.calls['z']).toMatchObject({ status: 'skipped' });
        expect(result.calls['fine']?.status).toBe('succeeded');
        log.assertWellFormed(['ghost_user', 'x', 'y', 'z', 'fine']);
      });

      it('a malformed item { id, tool?, error } ends failed with its code and its dependents are skipped', async () => {
        const { source, push, end } = make();
        const done = run(source, { tools: [echo] });
        push({ id: 'broken', tool: 'echo', error: { code: 'MALFORMED_ARGS', message: 'args were not valid JSON' } });
        push({ id: 'anon', error: { code: 'TRUNCATED', message: 'cut off' } });
        push({ id: 'user', tool: 'echo', args: { v: '${broken.x}' } });
        push({ id: 'ok', tool: 'echo', args: {} });
        end();
        const result = await done;
        expect(result.calls['broken']).toMatchObject({ status: 'failed', tool: 'echo', attempts: 0, error: { code: 'MALFORMED_ARGS', message: 'args were not valid JSON', callId: 'broken' } });
        expect(result.calls['anon']).toMatchObject({ status: 'failed', error: { code: 'TRUNCATED' } });
        expect(result.calls['user']).toMatchObject({ status: 'skipped', error: { details: { cause: 'broken' } } });
        expect(result.calls['ok']?.status).toBe('succeeded');
      });
    });
  }

  it('a call arriving after its input was skipped names the failed ancestor, and so do the calls waiting on it', async () => {
    const subject = new Subject<unknown>();
    const done = run(subject, { tools: [echo] });
    subject.next({ id: 'late', tool: 'echo', args: { v: '${mid}' } }); // waits on an id not seen yet
    subject.next({ id: 'a', tool: 'nope', args: {} }); // fails as it arrives: no such tool
    subject.next({ id: 'b', tool: 'echo', args: { v: '${a}' } }); // skipped at once
    subject.next({ id: 'mid', tool: 'echo', args: { v: '${b}' } }); // its input was skipped
    subject.complete();
    const result = await done;
    const outcome = Object.fromEntries(Object.entries(result.calls).map(([id, c]) => [id, [c.status, c.error?.details?.['cause'] ?? c.error?.code]]));
    expect(outcome).toEqual({ late: ['skipped', 'a'], a: ['failed', 'UNKNOWN_TOOL'], b: ['skipped', 'a'], mid: ['skipped', 'a'] });
    expect(result.calls['mid']?.error?.message).toBe('skipped because "a" failed');
  });

  it('a stream that errors ends the run: waiting calls fail and say why', async () => {
    const q = callQueue();
    const done = run(q, { tools: [echo] });
    q.push({ id: 'w', tool: 'echo', args: { v: '${never}' } });
    await drainMicrotasks();
    q.fail(new Error('connection reset'));
    const result = await done;
    expect(result.calls['w']).toMatchObject({ status: 'failed', error: { code: 'UNKNOWN_REF' } });
    expect(result.calls['w']?.error?.message).toContain('connection reset');
  });

  it('calls arriving over virtual time start at their arrival time when their inputs are done', async () => {
    const clock = new VirtualClock();
    const w = timedTool(clock, 'w', 10);
    const subject = new Subject<Call>();
    const done = run(subject, { tools: [w], scheduler: clock.scheduler });
    subject.next({ id: 'a', tool: 'w', args: {} });
    clock.scheduler.schedule(() => subject.next({ id: 'b', tool: 'w', args: {}, after: ['a'] }), 5);
    clock.scheduler.schedule(() => subject.next({ id: 'c', tool: 'w', args: {}, after: ['a'] }), 25);
    clock.scheduler.schedule(() => subject.complete(), 30);
    await clock.run();
    const result = await done;
    expect([result.calls['a']?.startedMs, result.calls['b']?.startedMs, result.calls['c']?.startedMs]).toEqual([0, 10, 25]);
    expect(result.calls['c']?.endedMs).toBe(35);
  });

  it('an input that succeeded before its dependent arrived still counts in the critical path and rounds', async () => {
    const clock = new VirtualClock();
    const w = timedTool(clock, 'w', 50);
    const subject = new Subject<Call>();
    const done = run(subject, { tools: [w], scheduler: clock.scheduler });
    subject.next({ id: 'a', tool: 'w', args: { v: 1 } });
    clock.scheduler.schedule(() => subject.next({ id: 'b', tool: 'w', args: { from: '${a.v}' } }), 60);
    clock.scheduler.schedule(() => subject.complete(), 61);
    await clock.run();
    const result = await done;
    expect(result.calls['b']).toMatchObject({ status: 'succeeded', args: { from: 1 } });
    expect(result.metrics.rounds).toBe(2);
    expect(result.metrics.criticalPathMs).toBe(100);
  });
});
