import { Observable, Subject, takeWhile } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Call } from '../../src/plan/schema.js';
import type { RunEvent } from '../../src/schedule/events.js';
import { execute, run } from '../../src/schedule/scheduler.js';
import type { ToolContext } from '../../src/tools/tool-types.js';
import { EventLog, VirtualClock, drainMicrotasks, timedTool, tool } from './harness.js';

/** An AbortController whose signal counts the listeners added and not yet removed. */
function countingController(): { controller: AbortController; live: () => number } {
  const controller = new AbortController();
  const signal = controller.signal;
  let live = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  const seen = new Set<unknown>();
  signal.addEventListener = ((type: string, listener: unknown, options?: { once?: boolean } | boolean) => {
    if (type === 'abort' && !seen.has(listener)) {
      seen.add(listener);
      live++;
      // A `once` listener removes itself when it runs.
      if (typeof options === 'object' && options.once === true) {
        const original = listener;
        add(type, () => {
          if (seen.delete(original)) live--;
        }, { once: true });
      }
    }
    add(type, listener as never, options);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, listener: unknown, options?: { capture?: boolean } | boolean) => {
    if (type === 'abort' && seen.delete(listener)) live--;
    remove(type, listener as never, options);
  }) as typeof signal.removeEventListener;
  return { controller, live: () => live };
}

/** A read-only tool that waits `ms` of real-or-fake `setTimeout`, clearing its timer when its signal aborts. */
function sleepyTool(name: string, ms: number, extra: { rateLimit?: { limit: number; intervalMs: number } } = {}) {
  const started: { id: string; signal: AbortSignal }[] = [];
  const t = tool({
    name,
    ...extra,
    execute: (args: Record<string, unknown>, ctx: ToolContext) => {
      started.push({ id: ctx.callId, signal: ctx.signal });
      return new Promise((resolve, reject) => {
        const handle = setTimeout(() => resolve(args), ms);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(handle);
          reject(ctx.signal.reason as Error);
        }, { once: true });
      });
    },
  });
  return { ...t, started };
}

// At concurrency 3: r1 (highest rank), lim1 and r2 run; lim2 waits on the rate limit (holding no
// slot); queued waits for a global slot; child waits for r1.
const plan: Call[] = [
  { id: 'r1', tool: 'sleepy', args: {} },
  { id: 'lim1', tool: 'limited', args: {} },
  { id: 'lim2', tool: 'limited', args: {} },
  { id: 'r2', tool: 'sleepy', args: {} },
  { id: 'queued', tool: 'sleepy', args: {} },
  { id: 'child', tool: 'sleepy', args: {}, after: ['r1'] },
];

describe('cancellation (semantic 7), with fake timers', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborting the signal aborts running calls, cancels the rest, starts nothing after, and leaves no timer or listener', async () => {
    const sleepy = sleepyTool('sleepy', 1000);
    const limited = sleepyTool('limited', 1000, { rateLimit: { limit: 1, intervalMs: 5000 } });
    const { controller, live } = countingController();
    const log = new EventLog();
    const done = run(plan, { tools: [sleepy, limited], concurrency: 3, signal: controller.signal, onEvent: log.onEvent });
    await vi.advanceTimersByTimeAsync(100);
    expect(sleepy.started.map((s) => s.id)).toEqual(['r1', 'r2']);
    expect(limited.started.map((s) => s.id)).toEqual(['lim1']);
    // Timers now: two tool sleeps, the deadline queue, and the rate-limit wake-up for lim2.
    expect(vi.getTimerCount()).toBeGreaterThanOrEqual(3);
    expect(live()).toBe(1); // one listener for the run, not one per call
    controller.abort(new Error('user stop'));
    const result = await done;
    for (const s of [...sleepy.started, ...limited.started]) expect(s.signal.aborted).toBe(true);
    for (const id of ['r1', 'r2', 'queued', 'child', 'lim1', 'lim2']) {
      expect(result.calls[id]).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED', callId: id } });
      expect(result.calls[id]?.endedMs).toBe(100);
    }
    expect(vi.getTimerCount()).toBe(0);
    expect(live()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sleepy.started).toHaveLength(2);
    expect(limited.started).toHaveLength(1);
    log.assertWellFormed(plan.map((c) => c.id));
    expect(log.of('call_cancelled')).toHaveLength(6);
  });

  it('a run that ends normally leaves no timer and removes its listener from the signal', async () => {
    const sleepy = sleepyTool('sleepy', 10);
    const limited = sleepyTool('limited', 10, { rateLimit: { limit: 1, intervalMs: 50 } });
    const { controller, live } = countingController();
    const done = run(plan, { tools: [sleepy, limited], signal: controller.signal });
    await vi.advanceTimersByTimeAsync(1000);
    const result = await done;
    expect(result.metrics.succeeded).toBe(6);
    expect(result.calls['lim2']?.startedMs).toBe(50);
    expect(vi.getTimerCount()).toBe(0);
    expect(live()).toBe(0);
  });

  it('a signal aborted before the run starts no tool and cancels every call', async () => {
    const sleepy = sleepyTool('sleepy', 10);
    const limited = sleepyTool('limited', 10);
    const { controller, live } = countingController();
    controller.abort();
    const result = await run(plan, { tools: [sleepy, limited], signal: controller.signal });
    expect(sleepy.started).toHaveLength(0);
    expect(limited.started).toHaveLength(0);
    expect(Object.values(result.calls).map((c) => c.status)).toEqual(Array(6).fill('cancelled'));
    expect(vi.getTimerCount()).toBe(0);
    expect(live()).toBe(0);
  });

  it('unsubscribing from execute() aborts running calls, starts nothing after, and leaves no timer or listener', async () => {
    const sleepy = sleepyTool('sleepy', 1000);
    const limited = sleepyTool('limited', 1000, { rateLimit: { limit: 1, intervalMs: 5000 } });
    const { controller, live } = countingController();
    const events: RunEvent[] = [];
    let completed = false;
    const subscription = execute(plan, { tools: [sleepy, limited], concurrency: 3, signal: controller.signal }).subscribe({
      next: (e) => events.push(e),
      complete: () => (completed = true),
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(sleepy.started).toHaveLength(2);
    subscription.unsubscribe();
    expect(vi.getTimerCount()).toBe(0);
    expect(live()).toBe(0);
    for (const s of [...sleepy.started, ...limited.started]) expect(s.signal.aborted).toBe(true);
    const seen = events.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sleepy.started).toHaveLength(2);
    expect(limited.started).toHaveLength(1);
    expect(events).toHaveLength(seen);
    expect(completed).toBe(false);
  });
});

describe('cancellation of streamed plans (semantic 7), in virtual time', () => {
  it('aborting stops reading an AsyncIterable plan and cancels what has arrived', async () => {
    const clock = new VirtualClock();
    const w = timedTool(clock, 'w', 100);
    let returned = false;
    let pulled = 0;
    const source: AsyncIterable<Call> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          pulled++;
          if (pulled === 1) return { done: false, value: { id: 'a', tool: 'w', args: {} } };
          await clock.sleep(1000);
          return { done: false, value: { id: `late${pulled}`, tool: 'w', args: {} } };
        },
        return: async () => {
          returned = true;
          return { done: true, value: undefined };
        },
      }),
    };
    const controller = new AbortController();
    const done = run(source, { tools: [w], signal: controller.signal, scheduler: clock.scheduler });
    await clock.run(50);
    expect(w.starts.map((s) => s.id)).toEqual(['a']);
    controller.abort();
    const result = await done;
    expect(returned).toBe(true);
    expect(result.calls['a']?.status).toBe('cancelled');
    expect(w.starts[0]?.signal.aborted).toBe(true);
    await clock.run();
    expect(w.starts).toHaveLength(1);
    expect(Object.keys(result.calls)).toEqual(['a']);
  });

  it('cancelled by a listener of run_started, a streamed plan is never read: an Observable is not subscribed, an AsyncIterable is closed unread', async () => {
    const w = tool({ name: 'w', execute: () => 1 });
    // Subscribing to a cold source has effects (a request to the model starts): it must not happen.
    let subscribed = 0;
    const cold = new Observable<Call>(() => {
      subscribed++;
    });
    execute(cold, { tools: [w] })
      .pipe(takeWhile((e) => e.type !== 'run_started'))
      .subscribe();
    expect(subscribed).toBe(0);
    let pulled = 0;
    let returned = false;
    const source: AsyncIterable<Call> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          pulled++;
          return { done: false, value: { id: `c${pulled}`, tool: 'w', args: {} } };
        },
        return: async () => {
          returned = true;
          return { done: true, value: undefined };
        },
      }),
    };
    const controller = new AbortController();
    const result = await run(source, { tools: [w], signal: controller.signal, onEvent: (e) => (e.type === 'run_started' ? controller.abort() : undefined) });
    await drainMicrotasks();
    expect(result.order).toEqual([]);
    expect([pulled, returned]).toEqual([0, true]);
  });

  it('a source that emits synchronously as it is subscribed, cancelled meanwhile, is let go of', async () => {
    const w = tool({ name: 'w', execute: () => 1 });
    let emitted = 0;
    let unsubscribed = false;
    const source = new Observable<Call>((subscriber) => {
      emitted++;
      subscriber.next({ id: 'a', tool: 'w', args: {} });
      const timer = setInterval(() => {
        emitted++;
        subscriber.next({ id: `x${emitted}`, tool: 'w', args: {} });
      }, 1);
      return () => {
        unsubscribed = true;
        clearInterval(timer);
      };
    });
    execute(source, { tools: [w] })
      .pipe(takeWhile((e) => e.type !== 'call_succeeded'))
      .subscribe();
    await new Promise((r) => setTimeout(r, 20));
    expect(unsubscribed).toBe(true);
    expect(emitted).toBe(1);
  });

  it('unsubscribing stops listening to an Observable plan', async () => {
    const clock = new VirtualClock();
    const w = timedTool(clock, 'w', 100);
    const calls = new Subject<Call>();
    const subscription = execute(calls, { tools: [w], scheduler: clock.scheduler }).subscribe();
    calls.next({ id: 'a', tool: 'w', args: {} });
    await drainMicrotasks();
    expect(calls.observed).toBe(true);
    subscription.unsubscribe();
    expect(calls.observed).toBe(false);
    calls.next({ id: 'b', tool: 'w', args: {} });
    await clock.run();
    expect(w.starts.map((s) => s.id)).toEqual(['a']);
    expect(w.starts[0]?.signal.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });
});
