/**
 * Test harness for the scheduler: a virtual clock that steps an RxJS `VirtualTimeScheduler`
 * one timer at a time (draining promise callbacks between timers), hand-resolved deferreds,
 * read-only test tools, and an event log checked against `RunEventSchema`.
 */
import { VirtualTimeScheduler } from 'rxjs';
import { virtualSleep } from '../helpers/virtual-time.js';
import { expect } from 'vitest';
import { RunEventSchema, isTerminalEvent, type RunEvent } from '../../src/schedule/events.js';
import { defineTool } from '../../src/tools/define-tool.js';
import type { Tool, ToolContext, ToolDefinition } from '../../src/tools/tool-types.js';

/** Lets every queued promise callback run (a macrotask runs only after the microtask queue is empty). */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A promise resolved or rejected by hand. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** Creates a {@link Deferred}. */
export function deferred<T = unknown>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Virtual time: pass `clock.scheduler` as `options.scheduler`; tools wait with `clock.sleep(ms)`.
 * `run()` steps timers in time order, letting promise callbacks settle after each one, so a
 * call that a timer ends is followed (at the same virtual instant) by everything it unblocks.
 */
export class VirtualClock {
  readonly scheduler = new VirtualTimeScheduler();

  /** Current virtual time in ms. */
  get now(): number {
    return this.scheduler.now();
  }

  /** Timers still pending. */
  get pendingTimers(): number {
    return this.scheduler.actions.length;
  }

  /** Resolves after `ms` of virtual time; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return virtualSleep(this.scheduler, ms, signal);
  }

  /** Runs the earliest timer (after draining promise callbacks). Returns false when none is left. */
  async step(until = Infinity): Promise<boolean> {
    await drainMicrotasks();
    const action = this.scheduler.actions[0];
    if (action === undefined || action.delay > until) return false;
    this.scheduler.actions.shift();
    this.scheduler.frame = action.delay;
    const error = action.execute(action.state, action.delay);
    if (error) throw error;
    await drainMicrotasks();
    return true;
  }

  /** Runs timers until none is left (or `until` is reached), settling promises between them. */
  async run(until = Infinity): Promise<void> {
    for (let i = 0; i < 1_000_000; i++) if (!(await this.step(until))) break;
    if (until !== Infinity && this.scheduler.frame < until) this.scheduler.frame = until;
    await drainMicrotasks();
  }
}

/** A tool definition with read-only effects unless the test says otherwise. */
export function tool<I = Record<string, unknown>, O = unknown>(def: ToolDefinition<I, O>): Tool<I, O> {
  return defineTool({ effects: { readOnly: true }, ...def });
}

/** A read-only tool that records its calls and waits `ms(args)` of virtual time, then returns `result(args)`. */
export function timedTool(
  clock: VirtualClock,
  name: string,
  ms: number | ((args: Record<string, unknown>) => number),
  result: (args: Record<string, unknown>, ctx: ToolContext) => unknown = (args) => args,
  extra: Partial<ToolDefinition> = {},
): Tool & { readonly starts: { id: string; t: number; args: unknown; signal: AbortSignal }[] } {
  const starts: { id: string; t: number; args: unknown; signal: AbortSignal }[] = [];
  const t = tool({
    name,
    ...extra,
    async execute(args: Record<string, unknown>, ctx: ToolContext) {
      starts.push({ id: ctx.callId, t: clock.now, args, signal: ctx.signal });
      await clock.sleep(typeof ms === 'number' ? ms : ms(args), ctx.signal);
      return result(args, ctx);
    },
  });
  return { ...t, starts };
}

/** A read-only tool whose calls wait for the test to settle them by hand. */
export function manualTool(name: string, extra: Partial<ToolDefinition> = {}): Tool & {
  readonly pending: Map<string, Deferred<unknown> & { ctx: ToolContext; args: unknown }>;
  readonly started: string[];
} {
  const pending = new Map<string, Deferred<unknown> & { ctx: ToolContext; args: unknown }>();
  const started: string[] = [];
  const t = tool({
    name,
    ...extra,
    execute(args: Record<string, unknown>, ctx: ToolContext) {
      const d = deferred<unknown>();
      started.push(ctx.callId);
      pending.set(ctx.callId, { ...d, ctx, args });
      return d.promise;
    },
  });
  return { ...t, pending, started };
}

/** Collects events, parsing each with the zod schema as it arrives. */
export class EventLog {
  readonly events: RunEvent[] = [];
  readonly onEvent = (event: RunEvent): void => {
    const parsed = RunEventSchema.safeParse(event);
    if (!parsed.success) throw new Error(`event does not match RunEventSchema: ${JSON.stringify(event)}: ${parsed.error.message}`);
    this.events.push(event);
  };

  /** Events of one type. */
  of<T extends RunEvent['type']>(type: T): Extract<RunEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
  }

  /** Ids of calls with a `call_started` event, in order. */
  get startedIds(): string[] {
    return this.of('call_started').map((e) => e.callId);
  }

  /** Checks the invariants every finished run must satisfy. */
  assertWellFormed(callIds: readonly string[]): void {
    const events = this.events;
    expect(events[0]?.type).toBe('run_started');
    expect(events.at(-1)?.type).toBe('run_finished');
    expect(events.filter((e) => e.type === 'run_finished')).toHaveLength(1);
    const runId = events[0]?.runId;
    let t = -Infinity;
    for (const e of events) {
      expect(e.runId).toBe(runId);
      expect(e.t).toBeGreaterThanOrEqual(t);
      t = e.t;
    }
    const terminal = new Map<string, number>();
    for (const e of events) if (isTerminalEvent(e)) terminal.set(e.callId, (terminal.get(e.callId) ?? 0) + 1);
    for (const id of callIds) expect(terminal.get(id), `terminal events of ${id}`).toBe(1);
    expect([...terminal.keys()].sort()).toEqual([...callIds].sort());
    // Nothing about a call after its terminal event.
    const ended = new Set<string>();
    for (const e of events) {
      if ('callId' in e) expect(ended.has(e.callId), `${e.type} of ${e.callId} after its end`).toBe(false);
      if (isTerminalEvent(e)) ended.add(e.callId);
    }
  }
}
