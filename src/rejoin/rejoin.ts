/**
 * Early rejoin: watches a run's events and hands back a snapshot when the policy fires,
 * while calls in flight go on (or are cancelled). Every call that finishes after the rejoin
 * (including calls that were still waiting for inputs, or had not streamed in yet) is
 * collected as a late outcome, so nothing is lost: deliver them with the next turn.
 */
import type { Observable, Subscription } from 'rxjs';
import type { RunEvent, RunMetrics } from '../schedule/events.js';
import type { Clock } from '../schedule/clock.js';
import { systemClock } from '../schedule/clock.js';
import type { CallOutcome } from '../formats/format-types.js';
import { rejoinDeadline, shouldRejoin, type RejoinPolicy, type RejoinState } from './rejoin-policy.js';

/** Options of {@link rejoin}. */
export interface RejoinOptions {
  /** When to hand back. @default 'all' */
  readonly policy?: RejoinPolicy;
  /** What happens to calls still running at the rejoin. @default 'continue' */
  readonly inFlight?: 'continue' | 'cancel';
  /** Time source for deadlines. @default the system clock */
  readonly clock?: Clock;
}

/** What a rejoin hands back. */
export interface RejoinSnapshot {
  /** Every call known at the rejoin, in plan order; unfinished ones have status `running`. */
  readonly outcomes: readonly CallOutcome[];
  /** Milliseconds from the start to the rejoin. */
  readonly rejoinedAtMs: number;
  /** Milliseconds from the last finished call before the rejoin to the rejoin. */
  readonly rejoinLatencyMs: number;
}

/** A turn's calls being watched for a rejoin. */
export interface RejoinHandle {
  /** Resolves when the policy fires (or every call is done). */
  readonly snapshot: Promise<RejoinSnapshot>;
  /** Resolves when the run is over, with every outcome that arrived after the rejoin. */
  readonly late: Promise<readonly CallOutcome[]>;
  /** Resolves with the run's metrics when it is over. */
  readonly finished: Promise<RunMetrics | undefined>;
  /** Stops the run now (in-flight calls are cancelled). */
  cancel(): void;
}

/**
 * Watches `events` (from `execute()`) and rejoins by `policy`.
 *
 * @example
 * const handle = rejoin(execute(plan, { tools }), { policy: { deadlineMs: 1500 } })
 * const { outcomes } = await handle.snapshot   // to the model now
 * const late = await handle.late               // to the model with the next turn
 */
export function rejoin(events: Observable<RunEvent>, options: RejoinOptions = {}): RejoinHandle {
  const policy = options.policy ?? 'all';
  const clock = options.clock ?? systemClock;
  const order: string[] = [];
  const outcomes = new Map<string, CallOutcome>();
  let planComplete = false;
  let finished = 0;
  let succeeded = 0;
  let startedAt: number | undefined;
  let lastEndAt = 0;
  let rejoined = false;
  const lateIds = new Set<string>();
  /** Ids of calls seen and not finished, in arrival order: kept as calls come and go, never rescanned. */
  const running = new Set<string>();
  let cancelDeadline: (() => void) | undefined;
  let subscription: Subscription | undefined;
  let resolveSnapshot!: (s: RejoinSnapshot) => void;
  let resolveLate!: (l: readonly CallOutcome[]) => void;
  let resolveFinished!: (m: RunMetrics | undefined) => void;
  let rejectAll!: (e: unknown) => void;
  const snapshot = new Promise<RejoinSnapshot>((res, rej) => {
    resolveSnapshot = res;
    rejectAll = rej;
  });
  const late = new Promise<readonly CallOutcome[]>((res) => (resolveLate = res));
  const done = new Promise<RunMetrics | undefined>((res) => (resolveFinished = res));
  const elapsed = (): number => (startedAt === undefined ? 0 : clock.now() - startedAt);

  // O(1) per finished call: `pending` is listed only when a policy reads it.
  const state = (): RejoinState => ({
    elapsedMs: elapsed(),
    total: order.length,
    finished,
    succeeded,
    planComplete,
    get pending(): readonly string[] {
      return [...running];
    },
  });

  const fire = (): void => {
    if (rejoined) return;
    rejoined = true;
    cancelDeadline?.();
    const at = elapsed();
    const list = order.map((id) => outcomes.get(id) as CallOutcome);
    resolveSnapshot({ outcomes: list, rejoinedAtMs: at, rejoinLatencyMs: Math.max(0, at - lastEndAt) });
    if (options.inFlight === 'cancel' && list.some((o) => o.status === 'running')) stop();
  };

  /** Unsubscribing cancels the run's unfinished calls; report them as cancelled. */
  const stop = (): void => {
    subscription?.unsubscribe();
    cancelDeadline?.();
    if (!rejoined) fire();
    for (const id of order) if ((outcomes.get(id) as CallOutcome).status === 'running') lateIds.add(id);
    resolveLate(
      order
        .filter((id) => lateIds.has(id))
        .map((id) => {
          const o = outcomes.get(id) as CallOutcome;
          return o.status === 'running' ? { ...o, status: 'cancelled', error: { code: 'CANCELLED', message: 'cancelled at the rejoin' } } : o;
        }),
    );
    resolveFinished(undefined);
  };

  const check = (): void => {
    if (!rejoined && order.length > 0 && shouldRejoin(policy, state())) fire();
  };

  const deadline = rejoinDeadline(policy);
  subscription = events.subscribe({
    next(event) {
      if (event.type === 'run_started') {
        startedAt = clock.now();
        if (deadline !== undefined) cancelDeadline = clock.setTimer(() => fire(), deadline);
        return;
      }
      if (event.type === 'run_finished') {
        planComplete = true;
        if (!rejoined) fire();
        resolveLate(order.filter((id) => lateIds.has(id)).map((id) => outcomes.get(id) as CallOutcome));
        resolveFinished(event.metrics);
        return;
      }
      if (!outcomes.has(event.callId)) {
        order.push(event.callId);
        running.add(event.callId);
        outcomes.set(event.callId, { id: event.callId, tool: event.tool, status: 'running' });
      }
      const base = { id: event.callId, tool: event.tool };
      switch (event.type) {
        case 'call_succeeded':
          outcomes.set(event.callId, { ...base, status: 'succeeded', result: event.result });
          succeeded++;
          break;
        case 'call_failed':
        case 'call_skipped':
        case 'call_cancelled':
        case 'call_rejected': {
          const status = event.type === 'call_failed' ? 'failed' : event.type === 'call_skipped' ? 'skipped' : event.type === 'call_cancelled' ? 'cancelled' : 'rejected';
          outcomes.set(event.callId, { ...base, status, error: { code: event.error.code, message: event.error.message } });
          break;
        }
        default:
          return;
      }
      finished++;
      running.delete(event.callId);
      if (!rejoined) lastEndAt = elapsed();
      else lateIds.add(event.callId);
      check();
    },
    error(error) {
      cancelDeadline?.();
      rejectAll(error);
      resolveLate([]);
      resolveFinished(undefined);
    },
    complete() {
      cancelDeadline?.();
      if (!rejoined) fire();
      resolveLate(order.filter((id) => lateIds.has(id)).map((id) => outcomes.get(id) as CallOutcome));
      resolveFinished(undefined);
    },
  });
  return {
    snapshot,
    late,
    finished: done,
    cancel: () => stop(),
  };
}
