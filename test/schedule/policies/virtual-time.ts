/**
 * Virtual time for scheduler tests: an RxJS `VirtualTimeScheduler` advanced one instant at a
 * time, with every promise continuation drained between instants, so tools that `await` a
 * virtual sleep behave as they would in real time — only instantly and deterministically.
 */
import { VirtualTimeScheduler } from 'rxjs';
import { virtualSleep } from '../../helpers/virtual-time.js';
import { run } from '../../../src/schedule/scheduler.js';
import type { RunOptions } from '../../../src/schedule/execute-options.js';
import type { RunResult } from '../../../src/schedule/run-result.js';
import type { RunEvent } from '../../../src/schedule/events.js';

/** Lets every pending promise continuation run (setImmediate runs after the microtask queue). */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A virtual clock for tools and the engine. */
export class VirtualTime {
  readonly scheduler = new VirtualTimeScheduler();

  /** Current virtual time in ms. */
  now(): number {
    return this.scheduler.now();
  }

  /** Resolves after `ms` of virtual time; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return virtualSleep(this.scheduler, ms, signal);
  }

  /** Schedules `fn` at `ms` of virtual time from now. */
  at(ms: number, fn: () => void): void {
    this.scheduler.schedule(fn, ms);
  }

  /**
   * Runs the next timer alone (as Node runs one timer callback, then the microtasks it queued).
   * Returns false when no timer is left.
   */
  step(): boolean {
    const action = this.scheduler.actions.shift();
    if (action === undefined) return false;
    this.scheduler.frame = action.delay;
    const error = action.execute(action.state, action.delay);
    if (error) throw error;
    return true;
  }

  /**
   * Advances time until `promise` settles or nothing is left to happen. `settled: false` means
   * the run hung: no timer is left that could ever finish it.
   */
  async drive<T>(promise: Promise<T>, maxInstants = 1_000_000): Promise<{ settled: boolean; value?: T; error?: unknown }> {
    let settled = false;
    let value: T | undefined;
    let error: unknown;
    let failed = false;
    promise.then(
      (v) => {
        settled = true;
        value = v;
      },
      (e: unknown) => {
        settled = true;
        failed = true;
        error = e;
      },
    );
    for (let i = 0; i < maxInstants; i++) {
      await drainMicrotasks();
      if (settled) break;
      if (!this.step()) break;
    }
    await drainMicrotasks();
    if (!settled) return { settled: false };
    return failed ? { settled: true, error } : { settled: true, value: value as T };
  }
}

/** Runs a plan in virtual time and collects its events; throws when the run hangs or rejects. */
export async function runVirtual(
  plan: unknown,
  options: Omit<RunOptions, 'scheduler'>,
  time: VirtualTime = new VirtualTime(),
): Promise<{ result: RunResult; events: RunEvent[]; time: VirtualTime }> {
  const events: RunEvent[] = [];
  const outer = options.onEvent;
  const outcome = await time.drive(
    run(plan, {
      ...options,
      scheduler: time.scheduler,
      onEvent: (e) => {
        events.push(e);
        outer?.(e);
      },
    }),
  );
  if (!outcome.settled) throw new Error(`the run hung at virtual time ${time.now()} ms`);
  if (outcome.error !== undefined) throw outcome.error;
  return { result: outcome.value as RunResult, events, time };
}

/** Events of one type, narrowed. */
export function eventsOf<T extends RunEvent['type']>(events: readonly RunEvent[], type: T): Extract<RunEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
}

/** A seeded PRNG (mulberry32): deterministic numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
