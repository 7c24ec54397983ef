/**
 * Options of `execute()` and `run()`.
 */
import type { SchedulerLike } from 'rxjs';
import type { ToolsInput } from '../tools/tool-types.js';
import type { Clock } from './clock.js';
import type { RunEvent } from './events.js';
import type { LatencyEstimator } from './latency-estimator.js';
import type { ApprovalDecision, ApprovalPolicy, ApprovalRequest } from './policies/approval.js';
import type { HedgeBudget } from './policies/hedge.js';
import type { Journal, ResultCache, UnknownOutcomePolicy } from '../journal/journal-types.js';

/**
 * How a run behaves. Only `tools` is required.
 *
 * @example
 * await run(plan, { tools: [search, readFile], concurrency: 4, timeoutMs: 10_000 })
 */
export interface ExecuteOptions {
  /** The tools calls may use: a list, a record from name to tool, or a Map. */
  readonly tools: ToolsInput;
  /** Calls running at once across all tools (`Infinity` for no cap). @default 8 */
  readonly concurrency?: number;
  /** Timeout of each call attempt unless its tool sets `timeoutMs`. @default 30000 */
  readonly timeoutMs?: number;
  /**
   * How long a call that timed out (or was cancelled) keeps its resources while its tool, which
   * ignored the abort signal, is still executing; then the run stops waiting for it, lets
   * conflicting calls go and reports it (`details.abandoned` on the call's error). @default 30000
   */
  readonly abandonAfterMs?: number;
  /** Aborting it cancels the run: running calls' signals abort, the rest end `cancelled`. */
  readonly signal?: AbortSignal;
  /** `'continue'`: a failure skips only its dependents. `'abort'`: a failure cancels the run. @default 'continue' */
  readonly onError?: 'continue' | 'abort';
  /** The run's id (part of every idempotency key). @default a random id */
  readonly runId?: string;
  /** An RxJS scheduler for time (e.g. `VirtualTimeScheduler` in tests). @default real time */
  readonly scheduler?: SchedulerLike;
  /** A custom clock (ignored when `scheduler` is given). @default performance.now() and setTimeout */
  readonly clock?: Clock;
  /** Per-tool latency estimates for priorities and hedging; share one across runs to learn. @default a fresh estimator */
  readonly estimator?: LatencyEstimator;
  /** Most calls accepted (whole plans above it are refused with `PLAN_TOO_LARGE`). @default 10000 */
  readonly maxCalls?: number;
  /** Validate a whole plan first and refuse it (PlanError) when anything is wrong, instead of failing only the bad calls. @default false */
  readonly strict?: boolean;
  /** Asks a person about a call, with its real (filled) arguments. */
  readonly approve?: (call: ApprovalRequest) => ApprovalDecision | Promise<ApprovalDecision>;
  /** Which calls ask `approve`. @default 'destructive' */
  readonly requireApproval?: ApprovalPolicy;
  /** Run identical read-only idempotent calls once. @default true */
  readonly coalesce?: boolean;
  /** Budget for hedged copies; share it across runs with the estimator. @default a fresh budget per run */
  readonly hedgeBudget?: HedgeBudget;
  /** Random source for backoff jitter. @default Math.random */
  readonly random?: () => number;
  /**
   * Tells a control-flow error (e.g. LangGraph's `GraphInterrupt` from `interrupt()`) from a
   * failure. Such an error thrown by an approver or a tool is not contained: the run is
   * cancelled and `run()` rejects (`execute()` errors) with that very object.
   * @default none: every error an approver or tool throws is contained in its call
   */
  readonly isControlFlowError?: (error: unknown) => boolean;
  /**
   * Outcomes of earlier executions by idempotency key: a stored success fills the call's
   * references and its tool does not run (`call_succeeded` has `cached: true`); successes are stored.
   */
  readonly resultCache?: ResultCache;
  /**
   * Records each call's start and outcome by idempotency key, so that a re-run with the same
   * `runId` resumes (see docs/scaling-out.md). Not together with `resultCache`.
   */
  readonly journal?: Journal;
  /**
   * A call the journal found started but never finished: run it again, or end it `OUTCOME_UNKNOWN`.
   * @default 'run' for read-only, idempotent and key-deduplicating tools, else 'fail'
   */
  readonly onUnknownOutcome?: UnknownOutcomePolicy;
}

/** Options of `run()`: those of `execute()` plus an event listener. */
export interface RunOptions extends ExecuteOptions {
  /**
   * Receives every event as it happens. If it throws, `run()` rejects with that error and the
   * rest of the run is cancelled.
   */
  readonly onEvent?: (event: RunEvent) => void;
}
