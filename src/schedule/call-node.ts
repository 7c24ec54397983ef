/**
 * The scheduler's record of one call while a run is in progress, and of one execution of it
 * (an attempt, or a hedged copy). Plain mutable classes: this is the hot path.
 */
import { createHash } from 'node:crypto';
import type { ParsedCall } from '../plan/parse-call.js';
import type { Tool, ToolContext } from '../tools/tool-types.js';
import { canonicalJson } from './canonical-json.js';
import type { CallStatus, SerializedError } from './events.js';
import type { HazardSubject } from './policies/resources.js';
import type { ToolBucket } from './tool-bucket.js';

/** Where a call is in its life. */
export const Phase = {
  /** Waiting for inputs. */
  Pending: 0,
  /** Args filled; waiting for a person's decision. */
  Approval: 1,
  /** In its tool's ready queue. */
  Queued: 2,
  /** Parked behind an earlier conflicting call. */
  Blocked: 3,
  /** Executing (or attached to an identical call that is). */
  Running: 4,
  /** Waiting to retry. */
  Backoff: 5,
  /** Terminal. */
  Done: 6,
} as const;

/** A phase value. */
export type PhaseValue = (typeof Phase)[keyof typeof Phase];

/**
 * The edge list of every call with no edge on that side yet: most calls have no inputs or no
 * dependents, and sharing one frozen empty array saves two allocations per call.
 */
const NO_EDGES: readonly number[] = Object.freeze([]);

/**
 * `list` with `item` added. Short lists are copied to exact size (a push on a full array grows
 * it by 16 slots, and most calls have one to three edges); longer ones grow by push.
 */
function withEdge(list: readonly number[], item: number): readonly number[] {
  switch (list.length) {
    case 0:
      return [item];
    case 1:
      return [list[0] as number, item];
    case 2:
      return [list[0] as number, list[1] as number, item];
    case 3:
      return [list[0] as number, list[1] as number, list[2] as number, item];
    default:
      (list as number[]).push(item);
      return list;
  }
}

/**
 * Records that `node` waits on `dep`, for calls that arrive one by one (a streamed plan). A
 * compiled plan's calls get their edge lists from the plan instead, shared and never added to.
 */
export function connect(dep: CallNode, node: CallNode): void {
  node.deps = withEdge(node.deps, dep.index);
  dep.dependents = withEdge(dep.dependents, node.index);
}

/**
 * Records that `node` reads `dep`, which had already succeeded when `node` arrived (a streamed
 * plan): nothing waits, but the input is still found by position and counts in the metrics.
 */
export function addInput(node: CallNode, dep: CallNode): void {
  node.deps = withEdge(node.deps, dep.index);
}

/** Records an execution of a call: its attempt, or a hedged copy while the attempt runs. */
export function addExecution(node: CallNode, exec: Execution): void {
  if (node.exec === undefined) node.exec = exec;
  else node.copy = exec;
}

/** Forgets `exec` once it is over; a hedged copy still running becomes the call's execution. */
export function removeExecution(node: CallNode, exec: Execution): void {
  if (node.exec === exec) {
    node.exec = node.copy;
    node.copy = undefined;
  } else if (node.copy === exec) node.copy = undefined;
}

/** Aborts every execution of the call still in flight (except `keep`) and forgets them all. */
export function abortExecutions(node: CallNode, reason: unknown, keep?: Execution): void {
  const { exec, copy } = node;
  node.exec = undefined;
  node.copy = undefined;
  if (exec !== undefined && exec !== keep) exec.abort(reason);
  if (copy !== undefined && copy !== keep) copy.abort(reason);
}

/**
 * What only some calls need (streamed ids not seen yet, hazards, coalescing, timers, an
 * approver's edit, an idempotency key): kept apart from {@link CallNode} and made for a call on
 * its first write, so the object every call has stays small — a run of thousands of calls
 * touches far fewer bytes.
 */
class CallMore {
  unknownDeps = 0;
  parked: CallNode[] | undefined;
  blockedOn: CallNode | undefined;
  followers: CallNode[] | undefined;
  coalescedWith: string | undefined;
  edited = false;
  resources: readonly string[] | undefined;
  cancelTimer: (() => void) | undefined;
  key: string | undefined;
  /** Why the key could not be made (args with a cycle, or nested too deep): asked again, it fails again. */
  keyError: unknown;
  /** Bumped when the run stops waiting for the call's executions (see `live`): older ones no longer count. */
  liveGen = 0;
}

/**
 * One call of a run. The fields every call uses come first, so the ones read together share
 * cache lines; the rest live in a {@link CallMore} behind accessors.
 */
export class CallNode implements HazardSubject {
  phase: PhaseValue = Phase.Pending;
  finished = false;
  status: CallStatus | undefined;
  result: unknown;
  error: SerializedError | undefined;
  args: unknown;
  /** The execution in flight (set with {@link addExecution}): the attempt, or what is left of a hedged pair. */
  exec: Execution | undefined;
  /** A hedged copy running beside `exec`. */
  copy: Execution | undefined;
  holdsSlot = false;
  /**
   * Executions whose tool has not settled yet, even after the call stopped waiting for them (a
   * timeout whose tool ignores its signal): the call keeps its resources until this is 0.
   */
  live = 0;
  /** True when the call takes part in resource hazards (it writes, or its tool names resources). */
  tracked = false;
  /** What only some calls need, made on first write (see {@link CallMore}). */
  private more: CallMore | undefined;

  /** True once the call finished and no execution of it is still running: it holds no resources. */
  get released(): boolean {
    return this.finished && this.live === 0;
  }
  /**
   * When the first attempt started and when the call ended (ms since the run started); NaN
   * until then. Doubles from the start, so V8 updates them in place instead of boxing a new
   * number per store.
   */
  startedMs = NaN;
  endedMs = NaN;
  attempts = 0;
  /** Incremented per attempt; stale completions carry an old token. */
  token = 0;
  /** True when `deps[i]` is the call named by `call.deps[i]` (a compiled plan): inputs are found by position. */
  aligned = false;
  /**
   * The calls this one waits on, as arrival positions (the engine's `nodes` index): a compiled
   * plan's own list (in `dependsOn` order), or one built with {@link connect}. Never mutated
   * in place except by `connect` on a list it made.
   */
  deps: readonly number[] = NO_EDGES;
  /**
   * The calls waiting on this one, as arrival positions, built with {@link connect}; a
   * compiled plan's calls leave it empty (the engine reads the plan's packed layout).
   */
  dependents: readonly number[] = NO_EDGES;

  /** The part kept apart, made now if it is not there yet. */
  private own(): CallMore {
    let more = this.more;
    if (more === undefined) {
      more = new CallMore();
      this.more = more;
    }
    return more;
  }

  /** Waits on ids that have not arrived yet. */
  get unknownDeps(): number {
    return this.more?.unknownDeps ?? 0;
  }
  set unknownDeps(n: number) {
    if (n !== 0 || this.more !== undefined) this.own().unknownDeps = n;
  }

  /** Hazard: calls parked behind this one. */
  get parked(): CallNode[] | undefined {
    return this.more?.parked;
  }
  set parked(list: CallNode[] | undefined) {
    if (list !== undefined || this.more !== undefined) this.own().parked = list;
  }

  /** The call this one is parked behind (meaningful while `phase` is Blocked). */
  get blockedOn(): CallNode | undefined {
    return this.more?.blockedOn;
  }
  set blockedOn(node: CallNode | undefined) {
    if (node !== undefined || this.more !== undefined) this.own().blockedOn = node;
  }

  /** Coalescing: identical calls waiting on this one's execution. */
  get followers(): CallNode[] | undefined {
    return this.more?.followers;
  }
  set followers(list: CallNode[] | undefined) {
    if (list !== undefined || this.more !== undefined) this.own().followers = list;
  }

  /** The id of the identical call whose execution served this one. */
  get coalescedWith(): string | undefined {
    return this.more?.coalescedWith;
  }
  set coalescedWith(id: string | undefined) {
    if (id !== undefined || this.more !== undefined) this.own().coalescedWith = id;
  }

  /** An approver edited the args: its resources may now meet calls that already started. */
  get edited(): boolean {
    return this.more?.edited ?? false;
  }
  set edited(value: boolean) {
    if (value || this.more !== undefined) this.own().edited = value;
  }

  /** The resources the call touches, once known. */
  get resources(): readonly string[] | undefined {
    return this.more?.resources;
  }
  set resources(list: readonly string[] | undefined) {
    if (list !== undefined || this.more !== undefined) this.own().resources = list;
  }

  /** Generation of `live`: an execution launched before the run abandoned the call's executions does not count. */
  get liveGen(): number {
    return this.more?.liveGen ?? 0;
  }
  set liveGen(n: number) {
    this.own().liveGen = n;
  }

  /** Cancels the call's pending timer (a hedge or a retry backoff). */
  get cancelTimer(): (() => void) | undefined {
    return this.more?.cancelTimer;
  }
  set cancelTimer(cancel: (() => void) | undefined) {
    if (cancel !== undefined || this.more !== undefined) this.own().cancelTimer = cancel;
  }

  constructor(
    /** Arrival position. */
    readonly index: number,
    /** The id used in events and results (an id, or `id#n` for a duplicate, or `#index` with no id). */
    readonly id: string,
    /** The tool's name as written. */
    readonly toolName: string,
    /** The parsed call, when its shape was valid. */
    readonly call: ParsedCall | undefined,
    /** The tool, when it exists. */
    readonly tool: Tool | undefined,
    /** True when the call may change something. */
    readonly write: boolean,
    /** Where the call waits for a slot. */
    readonly bucket: ToolBucket | undefined,
  ) {
    // Only the args are read off the parsed call now; its placeholders when it becomes ready.
    this.args = call?.args;
  }

  /** Hash of run id, call id and canonical args; stable across retries and re-runs with the same run id. */
  idempotencyKey(runId: string): string {
    const more = this.own();
    if (more.keyError !== undefined) throw more.keyError;
    if (more.key === undefined) {
      more.key = createHash('sha256').update(`${runId}\u0000${this.id}\u0000${canonicalJson(this.args)}`).digest('hex').slice(0, 40);
    }
    return more.key;
  }

  /**
   * After its run, when this call is kept only for its hidden class: lets go of everything it
   * refers to (args, result, the parsed call, the tool, other calls). An execution of it may
   * outlive the run (a tool that ignores its signal), so its idempotency key is computed first.
   */
  detach(runId: string): void {
    if (this.attempts > 0) {
      try {
        this.idempotencyKey(runId);
      } catch (error) {
        // Args that have no canonical form have no key; a tool asking for it later is told why.
        this.own().keyError = error;
      }
    }
    this.result = undefined;
    this.args = undefined;
    this.error = undefined;
    (this as { call: ParsedCall | undefined }).call = undefined;
    (this as { tool: Tool | undefined }).tool = undefined;
    this.deps = NO_EDGES;
    this.dependents = NO_EDGES;
    this.exec = undefined;
    this.copy = undefined;
    this.parked = undefined;
    this.followers = undefined;
    this.blockedOn = undefined;
  }

  /** Forgets the cached idempotency key (after an approver edits the args). */
  resetKey(): void {
    if (this.more !== undefined) {
      this.more.key = undefined;
      this.more.keyError = undefined;
    }
  }
}

/** One execution of a call: what `execute` receives as its context. */
export class Execution implements ToolContext {
  done = false;
  private controller: AbortController | undefined;
  private abortReason: unknown;
  private aborted = false;
  iterator: AsyncIterator<unknown> | undefined;
  /** When this execution started (ms since the run started): hedged copies time their own latency. */
  startedMs = 0;
  /** True from launch until the tool's promise or iterator settles (counted in the call's `live`). */
  running = false;
  /** The call's `liveGen` at launch. */
  gen = 0;

  constructor(
    readonly node: CallNode,
    readonly runId: string,
    readonly attempt: number,
    readonly hedge: boolean,
  ) {}

  /** The call's id. */
  get callId(): string {
    return this.node.id;
  }

  /** The call's idempotency key. */
  get idempotencyKey(): string {
    return this.node.idempotencyKey(this.runId);
  }

  /** Aborted on timeout, cancellation, or when a hedged copy won. Created on first use. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** Stops this execution: aborts its signal and closes a streaming tool's iterator. */
  abort(reason: unknown): void {
    this.done = true;
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
    const it = this.iterator;
    this.iterator = undefined;
    if (it?.return !== undefined) {
      try {
        void Promise.resolve(it.return()).catch(() => undefined);
      } catch {
        // A tool's iterator that throws on return() has nothing more to tell us.
      }
    }
  }
}
