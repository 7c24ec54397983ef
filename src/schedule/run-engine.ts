/**
 * The run engine: receives calls (all at once or as they stream in), starts each the moment
 * its inputs are ready, fills placeholders, enforces caps, rate limits, resource hazards,
 * approvals, timeouts, retries, hedging and coalescing, and reports events. No polling: every
 * state change happens in the callback of the event that caused it, and the dispatch loop is
 * iterative, so synchronous tools and long chains neither hang nor grow the stack.
 */
import { PlanError, ToolgraphError, type Issue } from '../errors.js';
import { findCycles, topologicalOrder } from '../graph/dag.js';
import { DEFAULT_MAX_CALLS, isCompiledPlan, planCalls, validatePlan } from '../graph/validate.js';
import { type ParsedCall } from '../plan/parse-call.js';
import { parseCallFor } from '../protocol/plan-args.js';
import type { ValidPlan } from '../graph/validate.js';
import type { CompiledArgs } from '../plan/compile-args.js';
import { formatLocation } from '../plan/location.js';
import { fillArgs, fillFromInputs, type ResultSource } from '../plan/resolve-args.js';
import { MISSING } from '../plan/reference.js';
import { toolRegistry } from '../tools/define-tool.js';
import type { Tool } from '../tools/tool-types.js';
import { validateWith, type ValidationResult } from '../tools/tool-schema.js';
import { abortExecutions, addExecution, addInput, CallNode, connect, Execution, Phase, removeExecution } from './call-node.js';
import { canonicalJson } from './canonical-json.js';
import { clockFromScheduler, systemClock, type Clock } from './clock.js';
import type { CallStatus, RunEvent, SerializedError, WaitReason } from './events.js';
import { withDiagnostics, type WaitFacts } from '../observe/diagnostics.js';
import { LatencyEstimator, type ToolLatency } from './latency-estimator.js';
import { isApprovalPolicy, isDecision, needsApproval, type ApprovalDecision, type ApprovalRequest } from './policies/approval.js';
import { DEFAULT_HEDGE_MAX_EXTRA, HedgeBudget, hedgeDelay } from './policies/hedge.js';
import { defaultResources, HazardTracker, MAX_RESOURCES_PER_CALL } from './policies/resources.js';
import { backoffDelay, DEFAULT_MAX_ATTEMPTS, isRetryable } from './policies/retry.js';
import { DeadlineQueue } from './policies/timeout.js';
import { refViolation } from './policies/provenance.js';
import { callRecord, type CallRecord, type RunResult } from './run-result.js';
import { RunMetricsAccumulator } from './run-metrics.js';
import type { ExecuteOptions } from './execute-options.js';
import { serializeToolError, serializeToolgraphError } from './serialize-error.js';
import { grown } from './grown.js';
import { snapshot } from './snapshot.js';
import { workCounters } from './work-counters.js';
import { ToolBucket } from './tool-bucket.js';
import { planLayout, type PlanLayout } from '../graph/plan-layout.js';
import { journalPolicyOf, type JournalDecision, type JournalPolicy } from './policies/journal.js';

/** Global concurrency when not set. @default 8 */
export const DEFAULT_CONCURRENCY = 8;
/** Per-call timeout when neither the tool nor the run sets one. @default 30000 */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** How long a timed-out call whose tool ignores its signal keeps its resources. @default 30000 */
export const DEFAULT_ABANDON_AFTER_MS = 30_000;

const SHARED = '*';

const NO_ISSUES: readonly Issue[] = Object.freeze([]);

/** How many calls may become ready between a synchronous call's end and the reuse of that reading as a start time. */
const STEP_READY_LIMIT = 4;

/** Partials read from a streaming tool between two turns of the event loop. */
const PARTIALS_PER_TURN = 64;

/** Resolves on the next turn of the event loop (after timers due now), not in a microtask. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function';
}

function rawId(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || !Object.hasOwn(raw, 'id')) return undefined;
  const id = (raw as Record<string, unknown>)['id'];
  return typeof id === 'string' && /^[A-Za-z0-9_.:-]{1,128}$/.test(id) ? id : undefined;
}

function rawTool(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null || !Object.hasOwn(raw, 'tool')) return '';
  const tool = (raw as Record<string, unknown>)['tool'];
  return typeof tool === 'string' ? tool.slice(0, 256) : '';
}

/** A call the format layer could not parse: `{ id, tool?, error: { code, message } }`, failed as it arrives. */
function malformedError(raw: unknown): SerializedError | undefined {
  if (typeof raw !== 'object' || raw === null || Object.hasOwn(raw, 'args') || !Object.hasOwn(raw, 'error')) return undefined;
  const error = (raw as Record<string, unknown>)['error'];
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as Record<string, unknown>)['code'];
  const message = (error as Record<string, unknown>)['message'];
  return { code: typeof code === 'string' ? code : 'MALFORMED_CALL', message: typeof message === 'string' ? message : 'malformed call' };
}

/**
 * Hidden classes kept between runs. V8 drops a hidden class (map) at the next full GC once no
 * object has it, and throws away the optimized code that checks it, so the run after a major GC
 * would start cold in the interpreter. The last finished engine (emptied: it holds no calls, args
 * or results) and one of its calls and executions (stripped) keep those maps alive.
 */
let keptShapes: { readonly engine: RunEngine; readonly node: CallNode | undefined; readonly exec: Execution | undefined } | undefined;

const DETACHED_OPTIONS: ExecuteOptions = { tools: [] };
const DETACHED_SINK: EngineSink = { emit: undefined, done: () => undefined, fail: () => undefined };
const DETACHED_TOOLS: ReadonlyMap<string, Tool> = new Map();

/** Receives what the engine reports. */
export interface EngineSink {
  /** Called for every event, or `undefined` when nobody listens (events are then not built). */
  readonly emit: ((event: RunEvent) => void) | undefined;
  /** Called once when the run is over. */
  readonly done: () => void;
  /** Called instead of `done` when the plan is unusable as a whole. */
  readonly fail: (error: unknown) => void;
}

/** One run. Create, call {@link RunEngine.begin}, read {@link RunEngine.result} after `done`. */
export class RunEngine implements ResultSource {
  readonly runId: string;
  private readonly clock: Clock;
  private readonly t0: number;
  private tools: ReadonlyMap<string, Tool>;
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly abandonAfterMs: number;
  /** Calls that finished while an execution of theirs still runs: the timer that stops waiting for it. */
  private readonly held = new Map<CallNode, () => void>();
  /** Calls whose executions the run stopped waiting for (see `abandonAfterMs`). */
  private abandoned = 0;
  private readonly maxCalls: number;
  private readonly estimator: LatencyEstimator;
  private readonly hedgeBudget: HedgeBudget;
  private readonly random: () => number;
  private readonly coalesce: boolean;
  private emit: ((event: RunEvent) => void) | undefined;

  private readonly nodes: CallNode[] = [];
  /**
   * For each call (by arrival position), how many of its inputs have not succeeded yet (ids
   * not seen yet included). Kept here, not on the calls: a finished call counts its dependents
   * down without reading them, and only the one that reaches 0 is touched.
   */
  private waiting = new Int32Array(16);
  /**
   * The results of succeeded calls by arrival position (a hole until then): filling a call's
   * placeholders reads its inputs' results here, in one compact array, instead of from input
   * calls scattered over the heap (with inputs spread over a large plan, each such read was a
   * cache miss).
   */
  private results: unknown[] = new Array<unknown>(16);
  /** 1 at the position of each call that succeeded. */
  private succeeded = new Uint8Array(16);
  /**
   * Each call's rank by arrival position, which orders calls competing for a slot: for a whole
   * plan the longest remaining path under the latency estimates (see `computeRanks`); for a
   * call of a stream its own estimate (what will follow it is not known yet).
   */
  private ranks = new Float64Array(16);
  private readonly byId = new Map<string, CallNode>();
  private readonly duplicates = new Map<string, number>();
  /** Result keys of calls that are not in `byId` (duplicates, calls without a usable id). */
  private readonly brokenKeys = new Set<string>();
  private readonly unknownWaiters = new Map<string, CallNode[]>();
  /** True once a call waited on an id that arrived later: only then can a cycle exist. */
  private forwardRefs = false;
  private readonly buckets = new Map<string, ToolBucket>();
  private readonly activeBuckets: ToolBucket[] = [];
  private readonly hazards = new HazardTracker<CallNode>();
  private readonly coalesced = new Map<string, CallNode>();
  /** Calls parked behind a conflicting call (phase Blocked). */
  private readonly blocked = new Set<CallNode>();
  private readonly deadlines: DeadlineQueue<CallNode>;
  private running = 0;
  private terminal = 0;
  private pumping = false;
  /** True while a whole plan's calls are being registered; a cancellation then waits in `heldCancel`. */
  private registering = false;
  private heldCancel: string | undefined;
  private sourceDone = false;
  private finishedRun = false;
  private deferReady: CallNode[] | undefined;
  /** Calls being failed as a group (a cycle): not skipped because another member failed. */
  private failingTogether: Set<CallNode> | undefined;
  private stopSource: (() => void) | undefined;
  private readonly onAbort: () => void;
  private retries = 0;
  private hedges = 0;
  private coalescedCount = 0;
  /**
   * A clock reading (ms since the run started) that the next call to start may use as its
   * start time: taken when a synchronous tool returned, so a chain of them reads the clock
   * once per call instead of twice (a reading costs about as much as scheduling a call). It is
   * dropped (NaN) once user code could have run since (a listener, an input schema, a
   * `resources` function, an approval policy), once more than {@link STEP_READY_LIMIT} calls
   * became ready since, and when the dispatch loop returns: a start time is never earlier than
   * the real start by more than a few calls' bookkeeping.
   */
  private stepNow = NaN;
  /** Calls made ready since `stepNow` was read. */
  private stepReady = 0;
  /** The call whose placeholders are being filled (its inputs are scanned first). */
  private resolving: CallNode | undefined;
  private readonly perTool = new Map<string, number>();
  /** The tool (and its bucket) the previous registered call named: see `register`. */
  private lastToolName: string | undefined;
  private lastTool: Tool | undefined;
  private lastBucket: ToolBucket | undefined;
  /** True when calls of `lastTool` can be registered the short way (see `registerCompiled`). */
  private lastToolPlain = false;
  /** The tool whose latency was observed last, and its record in the estimator. */
  private observedTool: Tool | undefined;
  private observed: ToolLatency | undefined;
  /** The latest execution started (kept after the run for its shape). */
  private lastExec: Execution | undefined;
  private readonly accumulated = new RunMetricsAccumulator();
  /** True when calls can compete for a slot (a global cap, or a tool with a cap or rate limit). */
  private readonly contended: boolean;
  private readonly toolOf = (id: string): string | undefined => this.nodeOf(id)?.toolName;
  /** A compiled plan's edges and fill programs, packed (the hot path reads these, not the calls' own lists). */
  private layout: PlanLayout | undefined;
  /** A compiled plan's id → position map: used instead of filling `byId` call by call. */
  private planIndex: ReadonlyMap<string, number> | undefined;
  /**
   * The options the hot path reads, copied out of the caller's object: code that read
   * `options.x` would check the hidden class of the caller's options literal, which dies with
   * it, and V8 then throws that code away at the next full GC (every run would start cold).
   */
  private signal: AbortSignal | undefined;
  private approve: ExecuteOptions['approve'];
  private readonly abortOnError: boolean;
  /** The run's journal or result cache (see policies/journal.ts), when it has one. */
  private journal: JournalPolicy | undefined;
  /** Why calls waited (see `reportWait`); what the diagnostics read. Counts only, no per-call objects. */
  private readonly waits: WaitFacts = { parkedByTool: new Map(), heldBy: new Map(), approvalWaitMs: 0 };
  /** With a listener: calls queued since the dispatch loop last ended, reported as held if still queued then. */
  private heldQueue: CallNode[] | undefined;
  /** Calls waiting for a person, and since when (ms since the run started). */
  private askedAt: Map<CallNode, number> | undefined;

  constructor(
    private options: ExecuteOptions,
    private sink: EngineSink,
  ) {
    this.clock = options.scheduler !== undefined ? clockFromScheduler(options.scheduler) : (options.clock ?? systemClock);
    this.t0 = this.clock.now();
    this.runId = options.runId ?? `run_${Math.random().toString(36).slice(2, 10)}`;
    this.tools = toolRegistry(options.tools);
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!(this.concurrency >= 1)) throw new ToolgraphError('INVALID_OPTION', `expected \`concurrency\` to be a number >= 1 (or Infinity), got \`${String(options.concurrency)}\``);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new ToolgraphError('INVALID_OPTION', `expected \`timeoutMs\` to be a positive number, got \`${String(options.timeoutMs)}\``);
    this.abandonAfterMs = options.abandonAfterMs ?? DEFAULT_ABANDON_AFTER_MS;
    if (!(this.abandonAfterMs >= 0)) throw new ToolgraphError('INVALID_OPTION', `expected \`abandonAfterMs\` to be a number >= 0, got \`${String(options.abandonAfterMs)}\``);
    const policy = options.requireApproval;
    if (policy !== undefined && !isApprovalPolicy(policy)) {
      throw new ToolgraphError('INVALID_OPTION', `expected \`requireApproval\` to be 'destructive', 'writes', 'none' or a function, got \`${JSON.stringify(policy) ?? String(policy)}\``);
    }
    if (policy !== undefined && policy !== 'none' && options.approve === undefined) {
      throw new ToolgraphError('INVALID_OPTION', 'expected `approve` when `requireApproval` is set: without an approver no call could be asked (use requireApproval: \'none\' to run without asking)');
    }
    this.maxCalls = options.maxCalls ?? DEFAULT_MAX_CALLS;
    this.estimator = options.estimator ?? new LatencyEstimator();
    this.hedgeBudget = options.hedgeBudget ?? new HedgeBudget();
    this.random = options.random ?? Math.random;
    this.coalesce = options.coalesce ?? true;
    this.emit = sink.emit;
    this.signal = options.signal;
    this.approve = options.approve;
    this.abortOnError = options.onError === 'abort';
    this.journal = journalPolicyOf(options);
    this.deadlines = new DeadlineQueue<CallNode>(
      this.clock,
      (node, token) => node.phase === Phase.Running && node.token === token,
      (node) => this.timedOut(node),
    );
    this.onAbort = () => this.cancelRun('the run was aborted');
    const callAt = (index: number): CallNode => this.nodes[index] as CallNode;
    const shared = new ToolBucket(SHARED, Infinity, Infinity, 0, callAt);
    this.buckets.set(SHARED, shared);
    for (const tool of this.tools.values()) {
      if (tool.concurrency !== undefined || tool.rateLimit !== undefined) {
        this.buckets.set(tool.name, new ToolBucket(tool.name, tool.concurrency ?? Infinity, tool.rateLimit?.limit ?? Infinity, tool.rateLimit?.intervalMs ?? 0, callAt));
      }
    }
    // With no cap anywhere every ready call starts at once: plan order is as good as rank order.
    this.contended = this.concurrency !== Infinity || this.buckets.size > 1;
    if (!this.contended) shared.unordered();
  }

  private now(): number {
    return this.clock.now() - this.t0;
  }

  /**
   * The time for a call starting now: the reading taken when the synchronous call before it
   * ended, when nothing but a little scheduler work happened since (see `stepNow`), or a fresh one.
   */
  private startTime(): number {
    const t = this.stepNow;
    if (Number.isNaN(t)) return this.now();
    this.stepNow = NaN;
    return t;
  }

  /** The result of input `position` of the call being filled (its inputs are aligned), or MISSING. */
  resultAt(position: number): unknown {
    const resolving = this.resolving as CallNode;
    const layout = this.layout;
    const d = (layout !== undefined ? layout.inputs[(layout.inputStart[resolving.index] as number) + position] : resolving.deps[position]) as number;
    if (this.succeeded[d] !== 1) return MISSING;
    const value = this.results[d];
    return value === undefined ? MISSING : value;
  }

  /** The call with this id, if it arrived. */
  private nodeOf(id: string): CallNode | undefined {
    const index = this.planIndex;
    if (index === undefined) return this.byId.get(id);
    const i = index.get(id);
    return i === undefined ? undefined : this.nodes[i];
  }

  /** The result of a succeeded call, or MISSING. The call being filled reads a few direct inputs: they are scanned first. */
  resultOf(id: string, position: number): unknown {
    const resolving = this.resolving;
    if (resolving !== undefined && resolving.aligned && position >= 0) {
      // A compiled plan's inputs were connected in `dependsOn` order: no id comparison needed.
      const d = this.nodes[resolving.deps[position] as number] as CallNode;
      return d.status === 'succeeded' ? d.result : MISSING;
    }
    const deps = resolving?.deps;
    let node: CallNode | undefined;
    if (deps !== undefined && deps.length <= 8) {
      for (let i = 0; i < deps.length; i++) {
        const d = this.nodes[deps[i] as number] as CallNode;
        if (d.id === id) {
          node = d;
          break;
        }
      }
    }
    node ??= this.nodeOf(id);
    return node !== undefined && node.status === 'succeeded' ? node.result : MISSING;
  }

  // ───────────────────────── sources ─────────────────────────

  /** Starts the run with a whole plan, an Observable of calls or an AsyncIterable of calls. */
  begin(plan: unknown): void {
    const signal = this.signal;
    if (signal !== undefined) signal.addEventListener('abort', this.onAbort, { once: true });
    const isObservableLike = typeof plan === 'object' && plan !== null && typeof (plan as { subscribe?: unknown }).subscribe === 'function' && !Array.isArray(plan);
    if (isObservableLike) {
      this.started(0);
      if (this.finishedRun) return; // a listener of run_started cancelled: the source is never subscribed
      const subscription = (plan as { subscribe(o: object): { unsubscribe(): void } }).subscribe({
        next: (raw: unknown) => this.arrive(raw),
        error: (error: unknown) => this.endSource(error),
        complete: () => this.endSource(undefined),
      });
      // Cancelled while the source emitted synchronously (before its subscription existed): let go of it now.
      if (this.sourceDone) subscription.unsubscribe();
      else this.stopSource = () => subscription.unsubscribe();
    } else if (isAsyncIterable(plan) && !Array.isArray(plan)) {
      this.started(0);
      void this.consumeIterable(plan);
    } else {
      this.beginWhole(plan);
    }
    if (signal?.aborted === true) this.cancelRun('the run was aborted');
  }

  private started(calls: number): void {
    this.emit?.({ type: 'run_started', runId: this.runId, t: this.now(), calls });
  }

  private beginWhole(plan: unknown): void {
    // Recognized by the brand parsePlan() gives, never by shape: a look-alike from model text is validated below.
    if (isCompiledPlan(plan)) {
      if (this.refusedAsTooLarge(plan.calls.length)) return;
      this.registering = true;
      this.started(plan.calls.length);
      this.deferReady = [];
      this.planIndex = plan.indexOf;
      this.layout = planLayout(plan);
      this.waiting = new Int32Array(plan.calls.length);
      this.succeeded = new Uint8Array(plan.calls.length);
      this.ranks = new Float64Array(plan.calls.length);
      this.results = new Array<unknown>(plan.calls.length); // sized up front: written out of order, it stays a flat array
      const deps = plan.dag.deps;
      const calls = plan.calls;
      for (let i = 0; i < calls.length; i++) {
        const call = calls[i] as ParsedCall;
        this.registerCompiled(call, deps[i] as readonly number[]);
      }
      if (!this.registered()) this.endWhole();
      return;
    }
    const input = typeof plan === 'object' && plan !== null && !Array.isArray(plan) && Symbol.iterator in plan && !Object.hasOwn(plan, 'calls') ? Array.from(plan as Iterable<unknown>) : plan;
    const { calls, issue } = planCalls(input);
    if (calls === undefined) {
      this.sink.fail(new PlanError([issue ?? { code: 'INVALID_PLAN', message: 'plan: expected { "calls": [...] } or an array of calls' }]));
      this.finishedRun = true;
      this.cleanup();
      return;
    }
    if (this.refusedAsTooLarge(calls.length)) return;
    if (this.options.strict === true) {
      const validation = validatePlan(input, { tools: this.tools, maxCalls: this.maxCalls });
      if (!validation.valid) {
        this.finishedRun = true;
        this.cleanup();
        this.sink.fail(new PlanError(validation.issues));
        return;
      }
    }
    this.registering = true;
    this.started(calls.length);
    this.deferReady = [];
    for (const raw of calls) this.arrive(raw);
    if (!this.registered()) this.endWhole();
  }

  /** Refuses a whole plan over `maxCalls` (whether parsed here or by `parsePlan`): nothing runs. */
  private refusedAsTooLarge(calls: number): boolean {
    if (calls <= this.maxCalls) return false;
    this.finishedRun = true;
    this.cleanup();
    this.sink.fail(new PlanError([{ code: 'PLAN_TOO_LARGE', location: 'calls', message: `plan has ${calls} calls; the limit is ${this.maxCalls} (raise it with maxCalls)` }]));
    return true;
  }

  /**
   * A whole plan's calls are all registered. A cancellation that came meanwhile (a listener of
   * `run_started` or of a call failed on arrival) was held until now, so that every call is
   * there to end `cancelled`; it happens now. Returns true when it did.
   */
  private registered(): boolean {
    this.registering = false;
    const reason = this.heldCancel;
    if (reason === undefined) return false;
    this.heldCancel = undefined;
    this.deferReady = undefined;
    this.cancelRun(reason);
    return true;
  }

  private endWhole(): void {
    this.sourceDone = true;
    this.closeStream(undefined);
    // Ranks order ready calls that compete for a slot; with no cap anywhere every ready call starts at once.
    if (this.contended) this.computeRanks();
    const ready = this.deferReady ?? [];
    this.deferReady = undefined;
    for (const node of ready) if (!node.finished && node.phase === Phase.Pending) this.becomeReady(node);
    this.pump();
  }

  private async consumeIterable(plan: AsyncIterable<unknown>): Promise<void> {
    let iterator: AsyncIterator<unknown>;
    try {
      iterator = plan[Symbol.asyncIterator]();
    } catch (error) {
      this.endSource(error);
      return;
    }
    let stopped = false;
    const stop = (): void => {
      stopped = true;
      try {
        void Promise.resolve(iterator.return?.()).catch(() => undefined);
      } catch {
        // An iterator whose return() throws has nothing more to give back.
      }
    };
    // Cancelled before the source was even read (a listener of run_started): close it at once.
    if (this.sourceDone) {
      stop();
      return;
    }
    this.stopSource = stop;
    try {
      for (;;) {
        const step = await iterator.next();
        if (stopped || this.finishedRun) return;
        if (step.done === true) break;
        this.arrive(step.value);
      }
    } catch (error) {
      if (!stopped) this.endSource(error);
      return;
    }
    if (!stopped) this.endSource(undefined);
  }

  private endSource(error: unknown): void {
    if (this.sourceDone) return;
    this.sourceDone = true;
    this.stopSource = undefined;
    this.closeStream(error);
    this.pump();
  }

  /** The stream ended: waits on ids that never came fail, and so do calls on cycles. */
  private closeStream(error: unknown): void {
    const why = error === undefined ? '' : ` (the plan stream failed: ${error instanceof Error ? error.message : String(error)})`;
    for (const [id, waiters] of this.unknownWaiters) {
      for (const node of waiters) {
        if (node.finished) continue;
        this.failNode(node, {
          code: 'UNKNOWN_REF',
          message: `${node.id} refers to "${id}", which is not a call of this plan${why}`,
          callId: node.id,
          details: { ref: id },
        });
      }
    }
    this.unknownWaiters.clear();
    // Calls on a cycle can never become ready: find what Kahn's pass cannot order, then the cycles in it.
    // A cycle needs a call that waited on a later one, so without forward references there is none.
    if (!this.forwardRefs) return;
    const pending = this.nodes.filter((n) => !n.finished && n.phase === Phase.Pending && (this.waiting[n.index] as number) > 0);
    if (pending.length === 0) return;
    const local = new Map<CallNode, number>();
    pending.forEach((n, i) => local.set(n, i));
    const deps = pending.map((n) => n.deps.flatMap((d) => {
      const at = local.get(this.nodes[d] as CallNode);
      return at === undefined ? [] : [at];
    }));
    const { leftover } = topologicalOrder({ deps });
    if (leftover.length === 0) return;
    // Every call on a cycle fails CYCLE: none is skipped because another member failed first.
    const cycles = findCycles({ deps }, leftover);
    this.failingTogether = new Set(cycles.flatMap((cycle) => cycle.map((i) => pending[i] as CallNode)));
    for (const cycle of cycles) {
      const ids = cycle.map((i) => (pending[i] as CallNode).id);
      for (const i of cycle) {
        const node = pending[i] as CallNode;
        if (node.finished) continue;
        this.failNode(node, {
          code: 'CYCLE',
          message: `calls ${[...ids, ids[0]].join(' → ')} form a cycle (each needs the one before it)`,
          callId: node.id,
          details: { cycle: ids },
        });
      }
    }
    this.failingTogether = undefined;
  }

  // ───────────────────────── arrival ─────────────────────────

  /** Registers one call as it arrives. */
  arrive(raw: unknown): void {
    if (this.finishedRun || (this.sourceDone && this.deferReady === undefined)) return;
    const index = this.nodes.length;
    if (index >= this.maxCalls) {
      // Kept under a key of its own (`#index`), never under its id: it is not registered, so
      // nothing connects to it (a call waiting on that id fails UNKNOWN_REF when the stream ends).
      const given = rawId(raw);
      this.addBroken(raw, index, { code: 'PLAN_TOO_LARGE', message: `call #${index + 1}${given === undefined ? '' : ` ("${given}")`} is over the limit of ${this.maxCalls} calls per run`, ...(given === undefined ? {} : { details: { id: given } }) }, `#${index}`);
      return;
    }
    const malformed = malformedError(raw);
    if (malformed !== undefined) {
      this.addBroken(raw, index, malformed);
      return;
    }
    const parsed = parseCallFor(raw, index, this.tools);
    const call = parsed.call;
    if (call === undefined) {
      const first = parsed.issues[0];
      this.addBroken(raw, index, {
        code: 'INVALID_PLAN',
        message: parsed.issues.map((i) => i.message).join('; '),
        ...(first?.location === undefined ? {} : { location: first.location }),
      });
      return;
    }
    this.register(call, parsed.issues);
  }

  /**
   * Registers a call of a compiled plan. Most take the short way: a known tool that neither
   * writes nor names resources, caps its calls per run, restricts placeholders or hedges, while
   * no call has ended yet (so every input is still to come). What that skips (hazards, the
   * injection guard, inputs that already failed) is then known to have nothing to do; any other
   * call goes through {@link RunEngine.register}.
   */
  private registerCompiled(call: ParsedCall, depIndices: readonly number[]): void {
    if (call.tool !== this.lastToolName) this.lookUpTool(call.tool);
    const tool = this.lastTool;
    if (!this.lastToolPlain || this.terminal !== 0) {
      this.register(call, NO_ISSUES, depIndices);
      return;
    }
    const index = this.nodes.length;
    const node = new CallNode(index, call.id, call.tool, call, tool, false, this.lastBucket);
    node.deps = depIndices;
    node.aligned = true;
    this.nodes.push(node);
    this.waiting[index] = depIndices.length;
    if (depIndices.length === 0) (this.deferReady as CallNode[]).push(node);
    else if (this.emit !== undefined) this.reportWait(node, 'input');
  }

  /** Remembers the tool named `name`, its bucket, and whether its calls can take the short way in. */
  private lookUpTool(name: string): void {
    const found = this.tools.get(name);
    this.lastToolName = name;
    this.lastTool = found;
    this.lastBucket = found === undefined ? undefined : (this.buckets.get(found.name) ?? this.buckets.get(SHARED));
    this.lastToolPlain =
      found !== undefined && found.resolvedEffects.readOnly && found.resources === undefined && found.maxCallsPerRun === undefined && found.refs === undefined && found.hedge === undefined;
  }

  /** Registers a parsed call: connects its dependencies and makes it ready when it can run. */
  private register(call: ParsedCall, issues: readonly Issue[] = NO_ISSUES, depIndices?: readonly number[]): void {
    const index = this.nodes.length;
    if (this.planIndex === undefined && this.byId.has(call.id)) {
      this.addBroken(call, index, { code: 'DUPLICATE_ID', message: `${call.location}.id: "${call.id}" is already the id of another call; ids must be unique`, location: `${call.location}.id` }, this.duplicateKey(call.id));
      return;
    }
    // Consecutive calls mostly name the same tool: its lookups are remembered from the call before.
    if (call.tool !== this.lastToolName) this.lookUpTool(call.tool);
    const tool = this.lastTool;
    const write = tool === undefined ? true : !tool.resolvedEffects.readOnly;
    const node = new CallNode(index, call.id, call.tool, call, tool, write, this.lastBucket);
    if (depIndices !== undefined) {
      // A compiled plan: its own input list (its dependents are read from the plan's layout).
      node.deps = depIndices;
      node.aligned = true;
    }
    this.nodes.push(node);
    // Every call has its slots from here on, even one that fails or is skipped below: it may be
    // connected to an input already, and is then read by position (its rank, its waiting count).
    if (index >= this.waiting.length) this.growWaiting(index + 1);
    if (this.planIndex === undefined) this.byId.set(call.id, node);
    // Connect calls that were waiting for this id.
    const waiters = this.unknownWaiters.size === 0 ? undefined : this.unknownWaiters.get(call.id);
    if (waiters !== undefined) {
      this.forwardRefs = true;
      this.unknownWaiters.delete(call.id);
      for (const w of waiters) {
        if (w.finished) continue;
        w.unknownDeps--;
        connect(node, w);
      }
    }
    if (tool?.hedge !== undefined) this.hedgeBudget.earn(tool.hedge.maxExtra ?? DEFAULT_HEDGE_MAX_EXTRA);
    const problem = issues[0];
    if (problem !== undefined) {
      this.failNode(node, { code: problem.code, message: issues.map((i) => i.message).join('; '), callId: call.id, ...(problem.location === undefined ? {} : { location: problem.location }) });
      return;
    }
    if (tool === undefined) {
      this.failNode(node, { code: 'UNKNOWN_TOOL', message: `${call.location}.tool: no tool named ${JSON.stringify(call.tool)} (known: ${[...this.tools.keys()].slice(0, 20).join(', ')})`, callId: call.id, location: `${call.location}.tool` });
      return;
    }
    // Injection guard: fan-out cap per tool, and placeholders feeding arguments that refuse them.
    const cap = tool.maxCallsPerRun;
    if (cap !== undefined) {
      const count = (this.perTool.get(tool.name) ?? 0) + 1;
      this.perTool.set(tool.name, count);
      if (count > cap) {
        this.failNode(node, { code: 'FANOUT_EXCEEDED', message: `${call.location}: call #${count} of ${tool.name}; at most ${cap} are allowed per run (maxCallsPerRun)`, callId: call.id, location: call.location });
        return;
      }
    }
    const refused = refViolation(call, tool, this.toolOf, true);
    if (refused !== undefined) {
      this.failNode(node, refused);
      return;
    }
    // Resource hazards: writes, and reads that name resources.
    if (write || tool.resources !== undefined) {
      node.tracked = true;
      if (call.compiled.sites.length === 0) {
        const resources = this.resourcesOf(node, call.args);
        if (resources === undefined) return;
        node.resources = resources;
      }
      this.hazards.track(node);
    }
    let blockedBy: CallNode | undefined;
    let waits = 0;
    if (depIndices !== undefined) {
      // A compiled plan: every input is known by position; one listed later is waited on like
      // any other (it will finish, or fail and skip this call through its dependents).
      const nodes = this.nodes;
      for (let k = 0; k < depIndices.length; k++) {
        const d = nodes[depIndices[k] as number];
        if (d === undefined || !d.finished) waits++;
        else if (d.status !== 'succeeded') blockedBy ??= d;
      }
    } else {
      for (const dep of call.deps) {
        if (dep === call.id) {
          this.failNode(node, { code: 'SELF_REF', message: `${call.location}: "${call.id}" refers to itself`, callId: call.id });
          return;
        }
        const d = this.nodeOf(dep);
        if (d === undefined) {
          waits++;
          node.unknownDeps++;
          const list = this.unknownWaiters.get(dep);
          if (list === undefined) this.unknownWaiters.set(dep, [node]);
          else list.push(node);
        } else if (d.finished) {
          if (d.status !== 'succeeded') blockedBy ??= d;
          // Still an input: its result is read by position and its time counts in the critical path.
          else addInput(node, d);
        } else {
          waits++;
          connect(d, node);
        }
      }
      // Every input connected in order (none unknown yet, none finished before): found by position.
      node.aligned = node.unknownDeps === 0 && node.deps.length === call.deps.length;
    }
    if (blockedBy !== undefined) {
      this.skipFrom(node, blockedBy);
      if (waiters !== undefined && this.blocked.size > 0) this.unparkWaitCycles();
      return;
    }
    // A call of a stream is ranked by its own estimate (what follows it is not known yet).
    if (this.deferReady === undefined) this.ranks[index] = this.estimator.estimate(tool.name, tool.latencyMs);
    // Counted before anything can run: an input that completes synchronously from here on (a
    // sync tool, a coalesced call) counts this call down, and only then is its count read.
    this.waiting[index] = waits;
    if (waits > 0 && this.emit !== undefined) this.reportWait(node, 'input');
    // Calls that waited on this id now wait on it, and through it on its inputs: a parked call
    // whose blocker now waits on it would wait forever.
    if (waiters !== undefined && this.blocked.size > 0) this.unparkWaitCycles();
    if (waits === 0) {
      if (this.deferReady !== undefined) this.deferReady.push(node);
      else {
        this.becomeReady(node);
        this.pump();
      }
    }
  }

  /** A call that cannot run at all: registered (so nothing is lost) and failed at once. */
  private addBroken(raw: unknown, index: number, error: Omit<SerializedError, 'callId'>, forcedId?: string): void {
    const given = forcedId === undefined ? rawId(raw) : undefined;
    // A broken call whose id is taken is kept under a key of its own, like a duplicate: it must not replace the call that has it.
    const taken = given !== undefined && (this.byId.has(given) || this.brokenKeys.has(given));
    const id = forcedId ?? (given === undefined ? `#${index}` : taken ? this.duplicateKey(given) : given);
    const node = new CallNode(index, id, rawTool(raw), undefined, undefined, false, undefined);
    node.args = typeof raw === 'object' && raw !== null && Object.hasOwn(raw, 'args') ? (raw as Record<string, unknown>)['args'] : undefined;
    this.nodes.push(node);
    if (index >= this.waiting.length) this.growWaiting(index + 1);
    if (given !== undefined && !taken) {
      this.byId.set(id, node);
      const waiters = this.unknownWaiters.get(id);
      if (waiters !== undefined) {
        this.forwardRefs = true;
        this.unknownWaiters.delete(id);
        for (const w of waiters) {
          w.unknownDeps--;
          connect(node, w);
        }
      }
    }
    this.failNode(node, { ...error, callId: id });
  }

  /** The next free key `id#n` for a second call with `id`. */
  private duplicateKey(id: string): string {
    let n = this.duplicates.get(id) ?? 1;
    let key: string;
    do key = `${id}#${++n}`;
    while (this.byId.has(key) || this.brokenKeys.has(key));
    this.duplicates.set(id, n);
    this.brokenKeys.add(key);
    return key;
  }

  private resourcesOf(node: CallNode, args: unknown): readonly string[] | undefined {
    const tool = node.tool as Tool;
    if (tool.resources === undefined) return defaultResources(tool.name, node.write);
    let out: unknown;
    try {
      out = tool.resources(args as never);
    } catch (error) {
      this.failNode(node, { code: 'TOOL_ERROR', message: `resources() of ${tool.name} threw: ${error instanceof Error ? error.message : String(error)}`, callId: node.id });
      return undefined;
    }
    if (!Array.isArray(out) || out.length > MAX_RESOURCES_PER_CALL || !out.every((r) => typeof r === 'string')) {
      this.failNode(node, { code: 'TOOL_ERROR', message: `resources() of ${tool.name} must return at most ${MAX_RESOURCES_PER_CALL} strings`, callId: node.id });
      return undefined;
    }
    return out as string[];
  }

  /** Makes room in `waiting` for `n` calls (at least doubling). */
  private growWaiting(n: number): void {
    this.waiting = grown(this.waiting, n);
    this.succeeded = grown(this.succeeded, this.waiting.length);
    this.ranks = grown(this.ranks, this.waiting.length);
    // Lengthened with the others, so results written out of order keep it a flat array.
    this.results.length = this.waiting.length;
  }

  /** Ranks for a whole plan: the longest remaining path under the latency estimates. */
  private computeRanks(): void {
    const layout = this.layout;
    if (layout !== undefined) {
      this.computeLayoutRanks(layout);
      return;
    }
    const n = this.nodes.length;
    const indegree = new Int32Array(n);
    const nodes = this.nodes;
    const order = new Int32Array(n);
    let tail = 0;
    for (let i = 0; i < n; i++) {
      const node = nodes[i] as CallNode;
      indegree[i] = node.deps.length;
      if (node.deps.length === 0) order[tail++] = i;
    }
    for (let head = 0; head < tail; head++) {
      const dependents = (nodes[order[head] as number] as CallNode).dependents;
      for (let j = 0; j < dependents.length; j++) {
        const c = dependents[j] as number;
        const left = (indegree[c] as number) - 1;
        indegree[c] = left;
        if (left === 0) order[tail++] = c;
      }
    }
    // Plans use a few tools: remember the last one's estimate rather than look each call's up.
    const ranks = this.ranks;
    let lastTool: Tool | undefined;
    let lastEstimate = 0;
    for (let k = tail - 1; k >= 0; k--) {
      const v = order[k] as number;
      const node = nodes[v] as CallNode;
      // A call that already ended (it failed or was skipped as it registered) will not run: its chain adds nothing.
      if (node.finished) {
        ranks[v] = 0;
        continue;
      }
      let best = 0;
      const dependents = node.dependents;
      for (let j = 0; j < dependents.length; j++) {
        const r = ranks[dependents[j] as number] as number;
        if (r > best) best = r;
      }
      const tool = node.tool;
      let own = 0;
      if (tool !== undefined) {
        if (tool !== lastTool) {
          lastTool = tool;
          lastEstimate = this.estimator.estimate(tool.name, tool.latencyMs);
        }
        own = lastEstimate;
      }
      ranks[v] = own + best;
    }
  }

  /**
   * Ranks of a compiled plan, from its packed layout alone (its order, edges and each call's
   * tool): one pass over flat arrays that touches no call.
   */
  private computeLayoutRanks(layout: PlanLayout): void {
    const names = layout.tools;
    const estimates = new Float64Array(names.length);
    for (let t = 0; t < names.length; t++) {
      const tool = this.tools.get(names[t] as string);
      // A tool the run does not have: its calls fail as they register, and take no time.
      estimates[t] = tool === undefined ? 0 : this.estimator.estimate(tool.name, tool.latencyMs);
    }
    const { order, dependentStart, dependents, toolOf } = layout;
    const ranks = this.ranks;
    // Calls that ended as the plan registered (failed, or skipped behind one) will not run: their chains add nothing.
    const ended = this.terminal > 0 ? this.nodes : undefined;
    for (let k = order.length - 1; k >= 0; k--) {
      const v = order[k] as number;
      if (ended !== undefined && (ended[v] as CallNode).finished) {
        ranks[v] = 0;
        continue;
      }
      let best = 0;
      const to = dependentStart[v + 1] as number;
      for (let j = dependentStart[v] as number; j < to; j++) {
        const r = ranks[dependents[j] as number] as number;
        if (r > best) best = r;
      }
      ranks[v] = (estimates[toolOf[v] as number] as number) + best;
    }
  }

  // ───────────────────────── readiness ─────────────────────────

  /** Every input succeeded: fill placeholders, check args, learn resources, ask if needed, queue. */
  private becomeReady(node: CallNode): void {
    const call = node.call;
    const tool = node.tool;
    if (call === undefined || tool === undefined) return;
    if (++this.stepReady > STEP_READY_LIMIT || tool.input !== undefined || tool.resources !== undefined || this.approve !== undefined) this.stepNow = NaN;
    this.emit?.({ type: 'call_ready', runId: this.runId, t: this.now(), callId: node.id, tool: tool.name, ...(node.deps.length === 0 ? {} : { deps: node.deps.map((d) => (this.nodes[d] as CallNode).id) }) });
    if (node.finished) return; // a listener cancelled the run
    const refused = refViolation(call, tool, this.toolOf);
    if (refused !== undefined) {
      this.failNode(node, refused);
      return;
    }
    // Without placeholders the args are the call's own (node.args already), and nothing is read.
    // A compiled plan's packed layout says whether there are any, without reading the call's own lists.
    let filled: Record<string, unknown> | ToolgraphError | undefined;
    const layout = this.layout;
    if (layout !== undefined) {
      const starts = layout.programStart;
      const from = starts[node.index] as number;
      const to = starts[node.index + 1] as number;
      if (from !== to) {
        this.resolving = node;
        // The args are still the call's own (`node.args` is `call.args` until filled here).
        try {
          filled = fillFromInputs(node.id, node.args as Record<string, unknown>, call.compiled, this, layout.program, from, to);
        } catch (error) {
          filled = this.unfillable(node, error);
        }
      }
    } else if (call.compiled.program.length > 0) {
      this.resolving = node;
      try {
        filled = node.aligned ? fillFromInputs(node.id, call.args, call.compiled, this) : fillArgs(node.id, call.args, call.compiled, this);
      } catch (error) {
        filled = this.unfillable(node, error);
      }
    }
    if (filled !== undefined) {
      this.resolving = undefined;
      if (filled instanceof ToolgraphError) {
        this.failNode(node, serializeToolgraphError(filled));
        return;
      }
      node.args = filled;
    }
    if (!this.checkArgs(node) || !this.sealArgs(node)) return;
    if (node.tracked && node.resources === undefined) {
      const resources = this.resourcesOf(node, node.args);
      if (resources === undefined) return;
      this.learnResources(node, resources);
    }
    const approve = this.approve;
    if (approve !== undefined) {
      const request: ApprovalRequest = { id: node.id, tool: tool.name, args: node.args, effects: tool.resolvedEffects, runId: this.runId };
      let asks: boolean;
      try {
        asks = needsApproval(this.options.requireApproval ?? 'destructive', request);
      } catch (error) {
        this.finish(node, 'rejected', undefined, { code: 'REJECTED', message: `rejected: the approval policy failed: ${error instanceof Error ? error.message : String(error)}`, callId: node.id });
        return;
      }
      if (asks) {
        node.phase = Phase.Approval;
        this.emit?.({ type: 'approval_requested', runId: this.runId, t: this.now(), callId: node.id, tool: tool.name, args: node.args });
        (this.askedAt ??= new Map()).set(node, this.now());
        if (this.emit !== undefined && !node.finished) this.reportWait(node, 'approval');
        Promise.resolve()
          .then(() => approve(request))
          .then(
            (decision) => this.decided(node, decision),
            (error: unknown) => {
              if (!this.controlFlow(error)) this.decided(node, { reject: `the approver failed: ${error instanceof Error ? error.message : String(error)}` });
            },
          );
        return;
      }
    }
    this.enqueue(node);
  }

  /** Parses args with the tool's input schema; fails the call with every problem found. */
  private checkArgs(node: CallNode): boolean {
    const schema = (node.tool as Tool).input;
    if (schema === undefined) return true;
    let parsed: ValidationResult;
    try {
      parsed = validateWith(schema, node.args);
    } catch (error) {
      // A refinement or transform of the tool's own schema threw: the args did not pass.
      this.failNode(node, { code: 'INVALID_ARGS', message: `the input schema of ${node.toolName} threw: ${serializeToolError(error, node.id).message}`, callId: node.id, location: 'args', details: { tool: node.toolName } });
      return false;
    }
    if (parsed.ok) {
      node.args = parsed.value as Record<string, unknown>;
      return true;
    }
    const problems = parsed.issues.map((issue) => {
      const where = formatLocation(issue.path, 'args');
      return { where, message: issue.message };
    });
    this.failNode(node, {
      code: 'INVALID_ARGS',
      message: problems.map((p) => `${p.where}: ${p.message}`).join('; '),
      callId: node.id,
      location: problems[0]?.where ?? 'args',
      details: { tool: node.toolName },
    });
    return false;
  }

  /**
   * The error of a fill that threw (reading a result threw, a value no snapshot could copy, a
   * stack overflow): the call ends `INVALID_ARGS` instead of the throw escaping the engine. Called
   * from a `try` around each fill, so the per-call path allocates no closure.
   */
  private unfillable(node: CallNode, error: unknown): ToolgraphError {
    return new ToolgraphError('INVALID_ARGS', `the args of ${node.id} could not be filled: ${serializeToolError(error, node.id).message}`, { callId: node.id, location: 'args' });
  }

  /**
   * Replaces the call's args by a frozen copy (see {@link snapshot}): its tool, its resources
   * function and the approver see data that nothing else shares, and a tool that mutates them
   * changes no other call, no result and no reused compiled plan.
   */
  private sealArgs(node: CallNode): boolean {
    try {
      node.args = snapshot(node.args);
      return true;
    } catch (error) {
      this.failNode(node, { code: 'INVALID_ARGS', message: `the args of ${node.id} cannot be read: ${(error as Error).message}`, callId: node.id, location: 'args', details: { tool: node.toolName } });
      return false;
    }
  }

  private decided(node: CallNode, decision: unknown): void {
    if (node.finished || node.phase !== Phase.Approval || this.finishedRun) return;
    this.answered(node);
    const d: ApprovalDecision = isDecision(decision) ? decision : { reject: `the approver answered ${JSON.stringify(decision) ?? String(decision)}, which is not a decision` };
    if (d === 'approve') {
      this.enqueue(node);
    } else if ('reject' in d) {
      this.finish(node, 'rejected', undefined, { code: 'REJECTED', message: `rejected: ${d.reject}`, callId: node.id });
    } else {
      node.args = d.edit;
      node.edited = true;
      node.resetKey();
      if (!this.checkArgs(node) || !this.sealArgs(node)) return this.pump();
      if (node.tracked) {
        const resources = this.resourcesOf(node, node.args);
        if (resources === undefined) return this.pump();
        this.learnResources(node, resources);
      }
      this.enqueue(node);
    }
    this.pump();
  }

  /** Records a call's resources; calls parked behind it while they were unknown look again. */
  private learnResources(node: CallNode, resources: readonly string[]): void {
    this.hazards.learn(node, resources);
    const parked = node.parked;
    node.parked = undefined;
    if (parked !== undefined) for (const p of parked) if (!p.finished && p.phase === Phase.Blocked) this.enqueue(p);
  }

  /** Parked calls whose blocker (transitively) waits on them go back to their queues. */
  private unparkWaitCycles(): void {
    let moved = false;
    for (const node of [...this.blocked]) {
      const blocker = node.blockedOn;
      if (blocker === undefined || !this.waitsOn(blocker, node)) continue;
      const list = blocker.parked;
      const at = list === undefined ? -1 : list.indexOf(node);
      if (at !== -1) (list as CallNode[]).splice(at, 1);
      node.blockedOn = undefined;
      this.enqueue(node);
      moved = true;
    }
    if (moved) this.pump();
  }

  private enqueue(node: CallNode): void {
    if (node.phase === Phase.Blocked) this.blocked.delete(node);
    const bucket = node.bucket as ToolBucket;
    node.phase = Phase.Queued;
    bucket.heap.push(node, this.ranks[node.index] as number);
    if (this.emit !== undefined) (this.heldQueue ??= []).push(node);
    if (!bucket.active) {
      bucket.active = true;
      this.activeBuckets.push(bucket);
    }
  }

  // ───────────────────────── dispatch ─────────────────────────

  /** Starts ready calls while slots allow. Re-entrant calls return at once; the outer loop continues. */
  private pump(): void {
    // A signal aborted before the run began fires no listener: nothing may start while `begin` registers calls.
    if (this.pumping || this.finishedRun || this.signal?.aborted === true) return;
    this.pumping = true;
    try {
      while (this.running < this.concurrency) {
        const bucket = this.pickBucket();
        if (bucket === undefined) break;
        const node = bucket.heap.pop() as CallNode;
        if (node.finished || node.phase !== Phase.Queued) continue;
        if (node.tracked && node.live > 0) {
          // Its own earlier attempt (timed out, signal ignored) still runs: the retry waits for it.
          this.park(node, node);
          continue;
        }
        if (node.tracked) {
          workCounters.hazardChecks++;
          const blocker = this.hazards.blocker(node, (other) => !this.waitsOn(other, node)) ?? (node.edited ? this.runningConflict(node) : undefined);
          if (blocker !== undefined) {
            this.park(node, blocker);
            this.reportWait(node, 'conflict', blocker);
            continue;
          }
        }
        if (this.coalesce && this.tryCoalesce(node)) continue;
        this.startAttempt(node);
      }
    } finally {
      this.pumping = false;
      this.stepNow = NaN;
    }
    if (this.heldQueue !== undefined && this.heldQueue.length > 0) this.reportHeld();
    this.checkFinished();
  }

  /** Parks `node` behind `blocker` until it lets go of its resources. */
  private park(node: CallNode, blocker: CallNode): void {
    node.phase = Phase.Blocked;
    this.blocked.add(node);
    node.blockedOn = blocker;
    (blocker.parked ??= []).push(node);
  }

  /** The bucket whose best call should start next, among those with a free slot. */
  private pickBucket(): ToolBucket | undefined {
    const list = this.activeBuckets;
    let best: ToolBucket | undefined;
    let nowMs = -1;
    for (let i = 0; i < list.length; ) {
      const b = list[i] as ToolBucket;
      // Emptiness by count: peeking would look up the top call, which only a comparison needs.
      if (b.heap.size === 0) {
        b.active = false;
        list[i] = list[list.length - 1] as ToolBucket;
        list.pop();
        continue;
      }
      i++;
      if (b.running >= b.cap) continue;
      if (b.rateLimit !== Infinity) {
        if (nowMs < 0) nowMs = this.clock.now();
        const at = b.nextStartAt(nowMs);
        if (at > nowMs) {
          if (b.cancelTimer === undefined) {
            b.cancelTimer = this.clock.setTimer(() => {
              b.cancelTimer = undefined;
              this.pump();
            }, at - nowMs);
          }
          continue;
        }
      }
      if (best === undefined) best = b;
      else {
        const top = b.heap.peek() as CallNode;
        const bt = best.heap.peek() as CallNode;
        const ranks = this.ranks;
        const r = ranks[top.index] as number;
        const br = ranks[bt.index] as number;
        if (r > br || (r === br && top.index < bt.index)) best = b;
      }
    }
    return best;
  }

  /**
   * For a call whose args an approver edited: a call that is executing now and conflicts with
   * its new resources, even a later one (it started while the old args said "no conflict").
   */
  private runningConflict(node: CallNode): CallNode | undefined {
    const mine = node.resources ?? [];
    if (mine.length === 0) return undefined;
    for (const other of this.nodes) {
      if (other === node || other.phase !== Phase.Running || !other.tracked || other.coalescedWith !== undefined) continue;
      if (!node.write && !other.write) continue;
      if ((other.resources ?? []).some((r) => mine.includes(r)) && !this.waitsOn(other, node)) return other;
    }
    return undefined;
  }

  /** True when `later` (transitively) waits on `node`'s result: a hazard must never order them the other way. */
  private waitsOn(later: CallNode, node: CallNode): boolean {
    // A wait reaches `node` through a call reading its result or a call parked behind it: with
    // neither, nothing waits on it (the common case, answered without a walk).
    if (this.dependentsStart(node) === this.dependentsEnd(node) && (node.parked === undefined || node.parked.length === 0)) return false;
    // Follows what each call waits on: its inputs while pending, its blocker while parked.
    const stack: CallNode[] = [later];
    const seen = new Set<CallNode>();
    while (stack.length > 0) {
      const d = stack.pop() as CallNode;
      workCounters.steps++;
      if (d === node) return true;
      if (seen.has(d) || d.finished) continue;
      seen.add(d);
      if (d.phase === Phase.Pending) for (const x of d.deps) stack.push(this.nodes[x] as CallNode);
      else if (d.phase === Phase.Blocked && d.blockedOn !== undefined) stack.push(d.blockedOn);
    }
    return false;
  }

  /** Identical read-only idempotent calls execute once. Returns true when `node` was served. */
  private tryCoalesce(node: CallNode): boolean {
    const tool = node.tool as Tool;
    if (!(tool.resolvedEffects.readOnly && tool.resolvedEffects.idempotent)) return false;
    let key: string;
    try {
      // Exact: args JSON cannot represent faithfully (a Map, NaN, undefined, a class instance) are never merged.
      key = `${tool.name}\u0000${canonicalJson(node.args, true)}`;
    } catch {
      return false;
    }
    const leader = this.coalesced.get(key);
    if (leader === undefined || leader === node || (leader.finished && leader.status !== 'succeeded')) {
      this.coalesced.set(key, node);
      return false;
    }
    this.coalescedCount++;
    node.coalescedWith = leader.id;
    node.startedMs = this.now();
    node.phase = Phase.Running;
    this.emit?.({ type: 'call_started', runId: this.runId, t: node.startedMs, callId: node.id, tool: tool.name, attempt: 1, args: node.args });
    if (leader.finished) this.finish(node, 'succeeded', leader.result, undefined);
    else (leader.followers ??= []).push(node);
    return true;
  }

  private startAttempt(node: CallNode): void {
    const tool = node.tool as Tool;
    const bucket = node.bucket as ToolBucket;
    node.attempts++;
    node.token++;
    node.phase = Phase.Running;
    node.holdsSlot = true;
    if (node.tracked) this.hazards.activate(node);
    this.running++;
    bucket.running++;
    this.accumulated.executing(this.running);
    const t = this.startTime();
    if (Number.isNaN(node.startedMs)) node.startedMs = t;
    if (bucket.rateLimit !== Infinity) bucket.recordStart(this.clock.now());
    const token = node.token;
    const async = this.launch(node, new Execution(node, this.runId, node.attempts, false), t);
    if (!async || node.token !== token || node.phase !== Phase.Running) return;
    this.deadlines.add(node, token, tool.timeoutMs ?? this.timeoutMs, this.t0 + t);
    if (tool.hedge !== undefined) {
      const delay = hedgeDelay(tool.hedge, tool.name, this.estimator);
      if (delay !== undefined) {
        node.cancelTimer = this.clock.setTimer(() => {
          node.cancelTimer = undefined;
          this.tryHedge(node, token);
        }, delay);
      }
    }
  }

  private tryHedge(node: CallNode, token: number): void {
    if (node.token !== token || node.phase !== Phase.Running || node.exec === undefined || node.copy !== undefined || this.finishedRun) return;
    if (!this.hedgeBudget.trySpend()) return;
    this.hedges++;
    this.launch(node, new Execution(node, this.runId, node.attempts, true), this.now());
  }

  /** Calls the tool. Returns true when the result will arrive later. */
  private launch(node: CallNode, exec: Execution, t: number): boolean {
    const tool = node.tool as Tool;
    exec.startedMs = t;
    this.lastExec = exec;
    addExecution(node, exec);
    this.emit?.({ type: 'call_started', runId: this.runId, t, callId: node.id, tool: tool.name, attempt: exec.attempt, args: node.args, ...(exec.hedge ? { hedge: true } : {}) });
    if (exec.done) return false; // a listener cancelled the run: the tool does not start
    if (this.journal !== undefined) return this.journaled(exec);
    return this.callTool(exec);
  }

  /** Asks the journal first: the tool runs, or the recorded result is used, or the call ends `OUTCOME_UNKNOWN`. */
  private journaled(exec: Execution): boolean {
    let decision: JournalDecision | Promise<JournalDecision>;
    try {
      decision = (this.journal as JournalPolicy).decide(exec);
    } catch (error) {
      this.execFailed(exec, error, undefined);
      return false;
    }
    if (!isThenable(decision)) return this.journalDecided(exec, decision);
    decision.then(
      (d) => void this.journalDecided(exec, d),
      (error: unknown) => this.execFailed(exec, error, undefined),
    );
    return true;
  }

  /** Acts on the journal's decision. Returns true when the result will arrive later. */
  private journalDecided(exec: Execution, decision: JournalDecision): boolean {
    if (exec.done) return false;
    const journal = this.journal as JournalPolicy;
    if (decision.kind === 'hit') {
      journal.markCached(exec.node);
      this.execSucceeded(exec, decision.result);
      return false;
    }
    if (decision.kind === 'unknown') {
      this.execFailed(exec, { retryable: false }, decision.error);
      return false;
    }
    let started: void | Promise<void>;
    try {
      started = journal.start(exec);
    } catch (error) {
      this.execFailed(exec, error, undefined);
      return false;
    }
    if (started === undefined) return this.callTool(exec);
    started.then(
      () => void (exec.done || this.callTool(exec)),
      (error: unknown) => this.execFailed(exec, error, undefined),
    );
    return true;
  }

  /** Calls the tool of `exec`. Returns true when the result will arrive later. */
  private callTool(exec: Execution): boolean {
    const node = exec.node;
    const tool = node.tool as Tool;
    let out: unknown;
    // What the tool returns is user code too: a `then` or `Symbol.asyncIterator` that throws fails the call.
    try {
      out = tool.execute(node.args as never, exec);
      if (isThenable(out)) {
        // Counted as running until the tool settles, even after a timeout: the call keeps its resources.
        this.execLaunched(exec);
        out.then(
          (value) => {
            this.execSettled(exec);
            this.execSucceeded(exec, value);
          },
          (error: unknown) => {
            this.execSettled(exec);
            this.execFailed(exec, error, undefined);
          },
        );
        return true;
      }
      if (isAsyncIterable(out)) {
        this.execLaunched(exec);
        void this.consumePartials(exec, out);
        return true;
      }
    } catch (error) {
      this.execSettled(exec);
      this.execFailed(exec, error, undefined);
      return false;
    }
    this.execSucceeded(exec, out);
    return false;
  }

  /** An execution whose tool has not settled: the call holds its resources while it runs. */
  private execLaunched(exec: Execution): void {
    const node = exec.node;
    exec.running = true;
    exec.gen = node.liveGen;
    node.live++;
  }

  /** The tool of `exec` settled (once, whatever a hostile thenable does): a finished call may now let go of its resources. */
  private execSettled(exec: Execution): void {
    if (!exec.running) return;
    exec.running = false;
    const node = exec.node;
    if (exec.gen !== node.liveGen || node.live === 0) return; // abandoned already
    node.live--;
    if (node.live === 0 && (node.finished || this.held.has(node))) this.letGo(node);
  }

  /** A finished call holds its resources no more: it is forgotten by the hazards, and the calls parked behind it move. */
  private letGo(node: CallNode): void {
    const timer = this.held.get(node);
    if (timer !== undefined) {
      timer();
      this.held.delete(node);
    }
    if (this.finishedRun) return;
    if (node.tracked && node.finished) this.hazards.forget(node);
    this.releaseParked(node);
    this.pump();
  }

  /**
   * A call finished while an execution of it still runs (its tool ignored the abort signal):
   * it keeps its resources until that execution settles, or `abandonAfterMs` passes; then the
   * run stops waiting, and the call's error says so (`details.abandoned`).
   */
  private holdUntilSettled(node: CallNode): void {
    if (this.held.has(node)) return;
    this.held.set(
      node,
      this.clock.setTimer(() => {
        this.held.delete(node);
        if (node.live === 0) return;
        node.live = 0;
        node.liveGen++;
        this.abandoned++;
        const error = node.error;
        if (error !== undefined) node.error = { ...error, details: { ...error.details, abandoned: true, abandonAfterMs: this.abandonAfterMs } };
        this.letGo(node);
      }, this.abandonAfterMs),
    );
  }

  private async consumePartials(exec: Execution, iterable: AsyncIterable<unknown>): Promise<void> {
    try {
      await this.readPartials(exec, iterable);
    } finally {
      this.execSettled(exec);
    }
  }

  private async readPartials(exec: Execution, iterable: AsyncIterable<unknown>): Promise<void> {
    let count = 0;
    let last: unknown;
    let any = false;
    try {
      const iterator = iterable[Symbol.asyncIterator]();
      exec.iterator = iterator;
      for (;;) {
        const step = await iterator.next();
        if (exec.done) return;
        if (step.done === true) break;
        // An iterator that never waits on anything would keep the timers (its timeout) from ever
        // running: every few partials the loop lets the event loop turn.
        if (++count % PARTIALS_PER_TURN === 0) {
          await nextTurn();
          if (exec.done) return;
        }
        // Partials reach listeners: each is a snapshot (an unreadable one fails the call).
        last = snapshot(step.value);
        any = true;
        this.emit?.({ type: 'call_partial', runId: this.runId, t: this.now(), callId: exec.node.id, tool: exec.node.toolName, value: last });
      }
    } catch (error) {
      this.execFailed(exec, error, undefined);
      return;
    }
    exec.iterator = undefined;
    this.execSucceeded(exec, last);
  }

  private execSucceeded(exec: Execution, value: unknown): void {
    if (exec.done) return;
    const node = exec.node;
    const tool = node.tool as Tool;
    if (tool.output !== undefined) {
      let parsed: ValidationResult;
      try {
        parsed = validateWith(tool.output, value);
      } catch (error) {
        this.execFailed(exec, undefined, { code: 'INVALID_OUTPUT', message: `the output schema of ${tool.name} threw: ${serializeToolError(error, node.id).message}`, callId: node.id });
        return;
      }
      if (!parsed.ok) {
        const detail = parsed.issues.slice(0, 5).map((i) => `${['result', ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
        this.execFailed(exec, undefined, { code: 'INVALID_OUTPUT', message: `${tool.name} returned a result that does not match its output schema: ${detail}`, callId: node.id });
        return;
      }
      value = parsed.value;
    }
    // The result is kept as a frozen copy: what reads it later reads plain data, and no
    // consumer can change what another sees. An unreadable result fails the call here.
    try {
      value = snapshot(value);
    } catch (error) {
      this.execFailed(exec, undefined, { code: 'INVALID_OUTPUT', message: `${tool.name} returned a result that cannot be read: ${(error as Error).message}`, callId: node.id });
      return;
    }
    exec.done = true;
    this.journal?.succeeded(exec, value);
    if (node.copy === undefined) node.exec = undefined;
    else abortExecutions(node, new ToolgraphError('CANCELLED', 'a hedged copy finished first'), exec);
    const t = this.now();
    if (this.emit === undefined) {
      this.stepNow = t;
      this.stepReady = 0;
    }
    // Runs of calls mostly name one tool: its latency record is kept from the call before.
    if (tool !== this.observedTool) {
      this.observedTool = tool;
      this.observed = this.estimator.of(tool.name);
    }
    (this.observed as ToolLatency).observe(t - exec.startedMs);
    this.releaseSlot(node);
    this.finish(node, 'succeeded', value, undefined, t);
    this.pump();
  }

  private execFailed(exec: Execution, thrown: unknown, given: SerializedError | undefined): void {
    if (exec.done) return;
    if (given === undefined && this.controlFlow(thrown)) return;
    exec.done = true;
    const node = exec.node;
    removeExecution(node, exec);
    if (node.exec !== undefined && !node.exec.done) return; // a hedged copy is still running
    const error = given ?? serializeToolError(thrown, node.id);
    this.journal?.failed(exec, error);
    this.attemptFailed(node, thrown, error);
  }

  private timedOut(node: CallNode): void {
    const tool = node.tool as Tool;
    const ms = tool.timeoutMs ?? this.timeoutMs;
    const error = new ToolgraphError('TIMEOUT', `${tool.name} did not finish within ${ms} ms`, { callId: node.id, details: { timeoutMs: ms } });
    abortExecutions(node, error);
    // A tool that ignores its signal still runs: the call (and its retry) keeps its resources until it settles.
    if (node.live > 0 && node.tracked) this.holdUntilSettled(node);
    this.attemptFailed(node, error, serializeToolgraphError(error));
  }

  /** An attempt failed: retry it if policy allows, else fail the call. */
  private attemptFailed(node: CallNode, thrown: unknown, error: SerializedError): void {
    const tool = node.tool as Tool;
    this.releaseSlot(node);
    node.cancelTimer?.();
    node.cancelTimer = undefined;
    const retry = tool.retry;
    if (retry !== undefined && !this.finishedRun && node.attempts < (retry.maxAttempts ?? DEFAULT_MAX_ATTEMPTS) && isRetryable(thrown, error, retry)) {
      const delay = backoffDelay(retry, node.attempts, this.random);
      this.retries++;
      node.phase = Phase.Backoff;
      this.emit?.({ type: 'call_retry', runId: this.runId, t: this.now(), callId: node.id, tool: tool.name, attempt: node.attempts + 1, delayMs: delay, error });
      node.cancelTimer = this.clock.setTimer(() => {
        node.cancelTimer = undefined;
        if (node.finished || node.phase !== Phase.Backoff) return;
        this.enqueue(node);
        this.pump();
      }, delay);
      this.pump();
      return;
    }
    this.failNode(node, error);
    this.pump();
  }

  /**
   * An approver's or tool's error that `isControlFlowError` claims: the run fails with that very
   * error (first, so it is what `run()` rejects with) and what is left is cancelled.
   */
  private controlFlow(error: unknown): boolean {
    const test = this.options.isControlFlowError;
    if (test === undefined || this.finishedRun) return false;
    let claimed: boolean;
    try {
      claimed = test(error) === true;
    } catch {
      claimed = false;
    }
    if (!claimed) return false;
    this.sink.fail(error);
    this.cancelRun('an approver or tool stopped the run (control flow)');
    return true;
  }

  private releaseSlot(node: CallNode): void {
    if (!node.holdsSlot) return;
    node.holdsSlot = false;
    this.running--;
    (node.bucket as ToolBucket).running--;
  }

  // ───────────────────────── endings ─────────────────────────

  /** Ends a call `failed`; with `onError: 'abort'`, any failure (tool, args, plan) cancels the run. */
  private failNode(node: CallNode, error: SerializedError): void {
    this.finish(node, 'failed', undefined, error);
    if (this.abortOnError && !this.finishedRun) this.cancelRun(`aborted because "${node.id}" failed`);
  }

  /** Ends a call in a terminal state and lets everything that waited on it move. */
  private finish(node: CallNode, status: 'succeeded' | 'failed' | 'cancelled' | 'rejected', result: unknown, error: SerializedError | undefined, t = this.now()): void {
    if (node.finished) return;
    this.settle(node, status, result, error, t);
    const followers = node.followers;
    node.followers = undefined;
    if (followers !== undefined) {
      for (const f of followers) {
        if (status === 'succeeded') this.finish(f, 'succeeded', result, undefined, t);
        else this.finish(f, status === 'rejected' ? 'failed' : status, undefined, { ...(error as SerializedError), callId: f.id, message: `${(error as SerializedError).message} (coalesced with "${node.id}")` }, t);
      }
    }
    this.releaseParked(node);
    if (status === 'succeeded') {
      // Every dependent arrived already: a call succeeds only once the whole plan is registered
      // (a compiled plan) or after the calls that wait on it connected to it (a stream).
      const dependents = this.dependentList(node);
      const to = this.dependentsEnd(node);
      const waiting = this.waiting;
      for (let j = this.dependentsStart(node); j < to; j++) {
        const c = dependents[j] as number;
        const left = (waiting[c] as number) - 1;
        waiting[c] = left;
        if (left !== 0) continue;
        // A finished call (skipped, cancelled) may still be counted down: it is never made ready.
        const d = this.nodes[c] as CallNode;
        if (d.finished) continue;
        if (this.deferReady !== undefined) this.deferReady.push(d);
        else this.becomeReady(d);
      }
    } else if (status !== 'cancelled' || !this.finishedRun) {
      this.skipDependents(node);
    }
  }

  private emitTerminal(node: CallNode): void {
    const base = { runId: this.runId, t: node.endedMs, callId: node.id, tool: node.toolName };
    const emit = this.emit as (event: RunEvent) => void;
    const error = node.error as SerializedError;
    switch (node.status) {
      case 'succeeded':
        emit({ type: 'call_succeeded', ...base, result: node.result, durationMs: Number.isNaN(node.startedMs) ? 0 : node.endedMs - node.startedMs, attempts: node.attempts, ...(node.coalescedWith === undefined ? {} : { coalescedWith: node.coalescedWith }), ...(this.journal?.isCached(node) === true ? { cached: true } : {}) });
        break;
      case 'failed':
        emit({ type: 'call_failed', ...base, error, attempts: node.attempts });
        break;
      case 'cancelled':
        emit({ type: 'call_cancelled', ...base, error });
        break;
      case 'rejected':
        emit({ type: 'call_rejected', ...base, error, reason: error.message.replace(/^rejected: /, '') });
        break;
      case 'skipped':
        emit({ type: 'call_skipped', ...base, error, cause: String(error.details?.['cause'] ?? '') });
        break;
      case undefined:
        break;
    }
  }

  /** Skips every call downstream of `root` (iteratively). */
  private skipDependents(root: CallNode, cause: CallNode = root): void {
    // A compiled plan's lists name calls that may not have arrived yet (a call failed while
    // the plan registers): those see the failure when they arrive.
    const nodes = this.nodes;
    const stack: number[] = [];
    this.pushDependents(stack, root);
    while (stack.length > 0) {
      const d = nodes[stack.pop() as number];
      if (d === undefined || d.finished || this.failingTogether?.has(d) === true) continue;
      this.markSkipped(d, cause);
      this.pushDependents(stack, d);
    }
  }

  private pushDependents(stack: number[], node: CallNode): void {
    const dependents = this.dependentList(node);
    const to = this.dependentsEnd(node);
    for (let j = this.dependentsStart(node); j < to; j++) stack.push(dependents[j] as number);
  }

  /**
   * The calls waiting on `node` are `dependentList(node)[dependentsStart(node)]` up to
   * `dependentsEnd(node)`: a range of a compiled plan's packed list, or the call's own list.
   */
  private dependentList(node: CallNode): ArrayLike<number> {
    return this.layout === undefined ? node.dependents : this.layout.dependents;
  }

  private dependentsStart(node: CallNode): number {
    return this.layout === undefined ? 0 : (this.layout.dependentStart[node.index] as number);
  }

  private dependentsEnd(node: CallNode): number {
    return this.layout === undefined ? node.dependents.length : (this.layout.dependentStart[node.index + 1] as number);
  }

  /** Skips a call that arrived after an input of it ended without success, and what waits on it. */
  private skipFrom(node: CallNode, input: CallNode): void {
    // A skipped input names the call that failed: so does this one (the failed ancestor's id).
    const cause = input.status === 'skipped' ? (this.nodeOf(String(input.error?.details?.['cause'])) ?? input) : input;
    this.markSkipped(node, cause);
    this.skipDependents(node, cause);
  }

  private markSkipped(node: CallNode, cause: CallNode): void {
    const what = cause.status === 'rejected' ? 'was rejected' : cause.status === 'cancelled' ? 'was cancelled' : 'failed';
    this.settle(node, 'skipped', undefined, { code: 'SKIPPED', message: `skipped because "${cause.id}" ${what}`, callId: node.id, details: { cause: cause.id } });
    this.releaseParked(node);
  }

  /** The bookkeeping every terminal state shares: mark, time, stop timers, count, report. */
  private settle(node: CallNode, status: CallStatus, result: unknown, error: SerializedError | undefined, t = this.now()): void {
    node.finished = true;
    if (node.phase === Phase.Blocked) this.blocked.delete(node);
    node.phase = Phase.Done;
    node.status = status;
    node.endedMs = t;
    node.cancelTimer?.();
    node.cancelTimer = undefined;
    this.terminal++;
    if (node.live > 0) {
      if (node.tracked) this.holdUntilSettled(node);
    } else if (node.tracked) this.hazards.forget(node);
    if (status === 'succeeded') {
      node.result = result;
      const index = node.index;
      // A call that failed as it arrived has no slot yet: only registered calls can succeed.
      this.succeeded[index] = 1;
      this.results[index] = result;
    } else node.error = error;
    const layout = this.layout;
    if (layout === undefined) this.accumulated.settled(node, node.deps, 0, node.deps.length);
    else this.accumulated.settled(node, layout.inputs, layout.inputStart[node.index] as number, layout.inputStart[node.index + 1] as number);
    if (this.emit !== undefined) this.emitTerminal(node);
  }

  /**
   * Calls parked behind `node` (resource hazards), which has just settled, go back to their
   * ready queues; the metrics count the wait as a link of their chains.
   */
  private releaseParked(node: CallNode): void {
    // Still executing (a timed-out tool that ignores its signal): they wait until it lets go.
    if (node.live > 0) return;
    const parked = node.parked;
    node.parked = undefined;
    if (parked === undefined) return;
    for (const p of parked) {
      if (p.finished || p.phase !== Phase.Blocked) continue;
      this.accumulated.waitedBehind(p.index, node.index);
      workCounters.wakeups++;
      this.enqueue(p);
    }
  }

  /** Cancels the run: running calls are aborted, every unfinished call ends `cancelled`. */
  cancelRun(reason: string): void {
    if (this.finishedRun) return;
    if (this.registering) {
      this.heldCancel ??= reason;
      return;
    }
    const stop = this.stopSource;
    this.stopSource = undefined;
    this.sourceDone = true;
    stop?.();
    this.deadlines.clear();
    const cause = new ToolgraphError('CANCELLED', `cancelled: ${reason}`);
    for (const node of this.nodes) {
      if (node.finished) continue;
      abortExecutions(node, cause);
      this.releaseSlot(node);
      node.followers = undefined;
      node.parked = undefined;
      this.settle(node, 'cancelled', undefined, { code: 'CANCELLED', message: `cancelled: ${reason}`, callId: node.id });
    }
    this.unknownWaiters.clear();
    this.checkFinished();
  }

  private checkFinished(): void {
    if (this.finishedRun || !this.sourceDone || this.terminal !== this.nodes.length || this.deferReady !== undefined) return;
    this.finishedRun = true;
    this.cleanup();
    this.emit?.({ type: 'run_finished', runId: this.runId, t: this.now(), metrics: this.metrics() });
    // Later: the event that ended the run may be delivered from inside engine code (a listener
    // that cancels), which must finish with the run's state intact. Queued before `done`, so it
    // runs before whoever awaits the result goes on.
    queueMicrotask(() => this.keepShapes());
    this.sink.done();
  }

  /** After the run: forgets every call (the result was already built) and keeps this engine's shapes. */
  private keepShapes(): void {
    const exec = this.lastExec;
    const node = exec?.node ?? this.nodes[this.nodes.length - 1];
    node?.detach(this.runId);
    this.lastExec = undefined;
    this.heldQueue = undefined;
    this.askedAt = undefined;
    this.planIndex = undefined;
    this.layout = undefined;
    this.resolving = undefined;
    this.lastToolName = undefined;
    this.lastTool = undefined;
    this.lastBucket = undefined;
    this.lastToolPlain = false;
    this.observedTool = undefined;
    this.observed = undefined;
    // What the caller gave (tools, approver, listeners, the promise holding the result) is let go too.
    this.options = DETACHED_OPTIONS;
    this.signal = undefined;
    this.approve = undefined;
    this.journal = undefined;
    this.sink = DETACHED_SINK;
    this.emit = undefined;
    this.tools = DETACHED_TOOLS;
    this.nodes.length = 0;
    this.waiting = new Int32Array(16);
    this.succeeded = new Uint8Array(16);
    this.ranks = new Float64Array(16);
    this.results = new Array<unknown>(16);
    this.byId.clear();
    this.duplicates.clear();
    this.unknownWaiters.clear();
    this.coalesced.clear();
    this.blocked.clear();
    this.perTool.clear();
    this.hazards.clear();
    for (const b of this.buckets.values()) b.heap.drain();
    keptShapes = { engine: this, node, exec };
  }

  private cleanup(): void {
    this.deadlines.clear();
    for (const cancel of this.held.values()) cancel();
    this.held.clear();
    for (const b of this.buckets.values()) {
      b.cancelTimer?.();
      b.cancelTimer = undefined;
    }
    this.signal?.removeEventListener('abort', this.onAbort);
  }

  /** Stops everything when the consumer goes away (unsubscribe). */
  dispose(): void {
    if (!this.finishedRun) this.cancelRun('the consumer unsubscribed');
    this.cleanup();
  }

  /** True once `run_finished` happened. */
  get finished(): boolean {
    return this.finishedRun;
  }

  private metricsCache: RunResult['metrics'] | undefined;

  private metrics(): RunResult['metrics'] {
    if (this.metricsCache !== undefined && this.finishedRun) return this.metricsCache;
    const m = this.accumulated.snapshot(this.nodes.length, { retries: this.retries, hedges: this.hedges, coalesced: this.coalescedCount });
    return (this.metricsCache = this.waits.approvalWaitMs > 0 ? { ...m, approvalWaitMs: this.waits.approvalWaitMs } : m);
  }

  /** The outcome of every call, keyed by id (a prototype-less object). */
  result(): RunResult {
    const calls = Object.create(null) as Record<string, CallRecord>;
    const nodes = this.nodes;
    const order = new Array<string>(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as CallNode;
      calls[node.id] = callRecord(node);
      order[node.index] = node.id;
    }
    return withDiagnostics({ runId: this.runId, calls, order, metrics: this.metrics() }, this.tools, this.concurrency, this.waits);
  }

  // ───────────────────────── waits ─────────────────────────

  /**
   * Why a ready call is held back: reports a `call_waiting` event (only with a listener) and
   * counts it for the diagnostics. `other` is the call it waits behind (a conflict).
   */
  private reportWait(node: CallNode, reason: WaitReason, other?: CallNode): void {
    const tool = node.toolName;
    const bucket = node.bucket;
    const scope = reason === 'rate_limit' || (bucket !== undefined && bucket.running >= bucket.cap) ? 'tool' : 'global';
    if (reason === 'conflict') this.waits.parkedByTool.set(tool, (this.waits.parkedByTool.get(tool) ?? 0) + 1);
    else if (reason === 'cap' || reason === 'rate_limit') {
      const key = reason === 'rate_limit' ? `rate:${tool}` : scope === 'tool' ? `tool:${tool}` : 'global';
      this.waits.heldBy.set(key, (this.waits.heldBy.get(key) ?? 0) + 1);
    }
    const emit = this.emit;
    if (emit === undefined) return;
    let detail: { on?: string; inputs?: number; resource?: string; scope?: 'global' | 'tool'; limit?: number } = {};
    if (reason === 'conflict' && other !== undefined) {
      const theirs = other.resources;
      const shared = theirs === undefined ? undefined : (node.resources ?? []).find((r) => theirs.includes(r));
      detail = { on: other.id, ...(shared === undefined ? {} : { resource: shared }) };
    } else if (reason === 'input') {
      let pending = 0;
      let first: string | undefined;
      for (const id of node.call?.deps ?? []) {
        const d = this.nodeOf(id);
        if (d !== undefined && d.finished) continue;
        pending++;
        first ??= id;
      }
      detail = first === undefined ? {} : { on: first, inputs: pending };
    } else if (reason === 'cap') detail = { scope, limit: scope === 'tool' && bucket !== undefined ? bucket.cap : this.concurrency };
    else if (reason === 'rate_limit' && bucket !== undefined) detail = { scope, limit: bucket.rateLimit };
    emit({ type: 'call_waiting', runId: this.runId, t: this.now(), callId: node.id, tool, reason, ...detail });
  }

  /** The dispatch loop ended: calls queued since then and still queued wait for a slot (a cap) or the rate limit. */
  private reportHeld(): void {
    const list = this.heldQueue as CallNode[];
    this.heldQueue = undefined;
    let nowMs = -1;
    for (const node of list) {
      if (node.finished || node.phase !== Phase.Queued || this.finishedRun) continue;
      const bucket = node.bucket as ToolBucket;
      if (bucket.running >= bucket.cap) this.reportWait(node, 'cap');
      else if (bucket.rateLimit !== Infinity && bucket.nextStartAt(nowMs < 0 ? (nowMs = this.clock.now()) : nowMs) > nowMs) this.reportWait(node, 'rate_limit');
      else if (this.running >= this.concurrency) this.reportWait(node, 'cap');
    }
  }

  /** A person answered about `node`: its wait counts as approval time, not scheduling loss. */
  private answered(node: CallNode): void {
    const since = this.askedAt?.get(node);
    if (since === undefined) return;
    this.askedAt?.delete(node);
    const waited = this.now() - since;
    this.waits.approvalWaitMs += waited;
    this.accumulated.approvalWaited(node.index, waited);
  }

}
