/**
 * One model step's calls run by toolgraph while a framework thinks it runs them: calls are
 * pushed in as the framework's model output shows them (raw, in order, before any schema
 * check), and each framework tool `execute` only awaits the outcome of its call id. Because
 * `execute` only waits, a framework's concurrency cap cannot deadlock the run.
 */
import { Subject } from 'rxjs';
import { createCallCollector } from '../../formats/collect-calls.js';
import type { NeutralCall } from '../../formats/collect-calls.js';
import type { CallOutcome, FormatItem } from '../../formats/format-types.js';
import { outcomeText } from '../../formats/render-outcome.js';
import { isTerminalEvent } from '../../schedule/events.js';
import type { RunEvent } from '../../schedule/events.js';
import type { RunOptions } from '../../schedule/execute-options.js';
import type { RunResult } from '../../schedule/run-result.js';
import { run } from '../../schedule/scheduler.js';

/**
 * The error a framework tool throws for a call that did not succeed: its message is the text
 * toolgraph tells the model (`Error (TIMEOUT): …`, `Skipped: …`, `Rejected: …`).
 */
export class ToolgraphCallError extends Error {
  /** The call's outcome. */
  readonly outcome: CallOutcome;

  constructor(outcome: CallOutcome) {
    super(outcomeText(outcome).text);
    this.name = 'ToolgraphCallError';
    this.outcome = outcome;
  }

  /** The text alone (frameworks that show `String(error)` to the model show just toolgraph's text). */
  override toString(): string {
    return this.message;
  }
}

interface Waiter {
  readonly promise: Promise<CallOutcome>;
  resolve(outcome: CallOutcome): void;
  reject(error: unknown): void;
}

function waiter(): Waiter {
  let resolve!: (outcome: CallOutcome) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<CallOutcome>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may ever ask for a call's outcome (the framework dropped it): no unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

function outcomeOf(providerId: string, event: RunEvent): CallOutcome | undefined {
  switch (event.type) {
    case 'call_succeeded':
      return { id: providerId, tool: event.tool, status: 'succeeded', result: event.result };
    case 'call_failed':
      return { id: providerId, tool: event.tool, status: 'failed', error: event.error };
    case 'call_skipped':
      return { id: providerId, tool: event.tool, status: 'skipped', error: event.error };
    case 'call_cancelled':
      return { id: providerId, tool: event.tool, status: 'cancelled', error: event.error };
    case 'call_rejected':
      return { id: providerId, tool: event.tool, status: 'rejected', error: event.error };
    default:
      return undefined;
  }
}

/**
 * A run fed one call at a time. Create one per model step; call {@link StepRun.end} when the
 * step's output is complete.
 *
 * @example
 * const step = new StepRun({ tools })
 * step.add({ id: 'call_a', name: 'search', argsJson: '{"q":"x"}' })
 * step.end()
 * const outcome = await step.outcome('call_a') // { status: 'succeeded', result: ... }
 */
export class StepRun {
  /** Resolves to the run's result when every call has ended. */
  readonly done: Promise<RunResult>;
  private readonly collector = createCallCollector();
  private readonly source = new Subject<FormatItem>();
  private readonly byProvider = new Map<string, string>();
  private readonly waiters = new Map<string, Waiter>();
  private readonly names = new Map<string, string>();
  private readonly cancelled = new Map<string, CallOutcome>();
  private failure: { readonly error: unknown } | undefined;
  private ended = false;

  constructor(options: RunOptions) {
    const listener = options.onEvent;
    this.done = run(this.source, {
      ...options,
      onEvent: (event) => {
        listener?.(event);
        if (!isTerminalEvent(event)) return;
        const outcome = outcomeOf(this.collector.ids.providerId(event.callId), event);
        if (outcome === undefined) return;
        // A cancellation may be the run failing (a control-flow error such as an interrupt):
        // it is told once the run's own outcome is known.
        if (outcome.status === 'cancelled') this.cancelled.set(event.callId, outcome);
        else this.waiterOf(event.callId).resolve(outcome);
      },
    });
    this.done.then(
      (result) => {
        for (const [id, outcome] of this.cancelled) this.waiterOf(id).resolve(outcome);
        // Calls that never reached the run (none should): say so instead of waiting forever.
        for (const [id, w] of this.waiters) {
          if (result.calls[id] === undefined) w.resolve({ id: this.collector.ids.providerId(id), tool: this.names.get(id) ?? 'unknown tool', status: 'cancelled', error: { code: 'CANCELLED', message: 'the call was not part of the run' } });
        }
      },
      (error: unknown) => {
        this.failure = { error };
        for (const w of this.waiters.values()) w.reject(error);
      },
    );
    this.done.catch(() => undefined);
  }

  /** Hands one call to the run (it may start at once). Returns the toolgraph id it got. */
  add(call: NeutralCall): FormatItem {
    const item = this.collector.add(call);
    if (typeof call.id === 'string' && !this.byProvider.has(call.id)) this.byProvider.set(call.id, item.id);
    const tool = (item as { tool?: string }).tool;
    if (tool !== undefined) this.names.set(item.id, tool);
    if (!this.ended) this.source.next(item);
    return item;
  }

  /** The toolgraph id of a framework call id handed to this run. */
  idOf(frameworkId: string): string | undefined {
    return this.byProvider.get(frameworkId);
  }

  /** The framework id of a toolgraph id. */
  frameworkId(id: string): string {
    return this.collector.ids.providerId(id);
  }

  /** No more calls: the run ends when the calls it has end. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.source.complete();
  }

  /**
   * The outcome of the call with this framework id, when it ends. Rejects with the run's
   * error when the run failed (a control-flow error such as LangGraph's interrupt).
   */
  outcome(frameworkId: string): Promise<CallOutcome> {
    const id = this.byProvider.get(frameworkId);
    if (id === undefined) return Promise.reject(new Error(`toolgraph: no call with id ${JSON.stringify(frameworkId)} in this step`));
    return this.waiterOf(id).promise;
  }

  /** The result of the call with this framework id: its value, or a {@link ToolgraphCallError}. */
  async result(frameworkId: string): Promise<unknown> {
    const outcome = await this.outcome(frameworkId);
    if (outcome.status === 'succeeded') return outcome.result;
    throw new ToolgraphCallError(outcome);
  }

  private waiterOf(id: string): Waiter {
    let w = this.waiters.get(id);
    if (w === undefined) {
      w = waiter();
      if (this.failure !== undefined) w.reject(this.failure.error);
      this.waiters.set(id, w);
    }
    return w;
  }
}
