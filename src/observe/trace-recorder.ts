/**
 * Records a trace while an agent runs: feed it the run's events (as an rxjs Observer or one event at
 * a time) and the model's turns, and read back JSONL entries in a canonical order.
 */
import type { Observer } from 'rxjs';
import { ToolgraphError } from '../errors.js';
import { isTerminalEvent, type RunEvent } from '../schedule/events.js';
import { boundValue, DEFAULT_MAX_TRACE_VALUE_CHARS } from './bound-value.js';
import type { AssistantMessageEntry, RejoinEntry, ToolCallEntry, ToolResponseEntry, TraceEntry } from './trace-entry.js';
import { toJsonl } from './trace-jsonl.js';

/** Options of {@link createTraceRecorder}. */
export interface TraceRecorderOptions {
  /** Clock in ms; trace times are measured from the recorder's creation. @default performance.now */
  readonly now?: () => number;
  /** Also write every run event as an `event` line. @default false */
  readonly includeEvents?: boolean;
  /** Write results into `tool_response` lines (bounded by `maxValueChars`). @default true */
  readonly includeResults?: boolean;
  /** Most JSON characters kept for one result or one call's args. @default 2000 */
  readonly maxValueChars?: number;
}

/** A call a model turn asked for: its id, and optionally the ids it depends on. */
export type TurnToolCall = string | { readonly id: string; readonly deps?: readonly string[] };

/** What {@link TraceRecorder.recordAssistantMessage} takes. */
export interface AssistantMessageInput {
  /** The text the model wrote. */
  readonly content?: string;
  /** Calls the turn asked for (their tool_call lines are filed under this turn). */
  readonly toolCalls?: readonly TurnToolCall[];
  /** When the response was complete (trace ms). @default now */
  readonly t?: number;
}

/** What {@link TraceRecorder.recordRejoin} takes. */
export interface RejoinInput {
  /** Ids whose results went back to the model. @default every call of the turn that had ended */
  readonly returned?: readonly string[];
  /** When (trace ms). @default now */
  readonly t?: number;
}

/** Collects a trace. */
export interface TraceRecorder {
  /** Records one run event. */
  record(event: RunEvent): void;
  /** An rxjs Observer that records each event: `execute(plan, opts).subscribe(recorder.observer)`. */
  readonly observer: Observer<RunEvent>;
  /** Starts the next model turn (calls that start from now on belong to it); returns its number. */
  beginTurn(): number;
  /** Records a model response for the current turn (beginning one if the last turn already has a message). */
  recordAssistantMessage(message?: AssistantMessageInput): AssistantMessageEntry;
  /** Records that results were handed back to the model for the current turn. */
  recordRejoin(rejoin?: RejoinInput): RejoinEntry;
  /**
   * The entries so far, in canonical order: by turn; in a turn the assistant message, then its
   * tool_call lines, then responses, rejoins and events, each group by time. So a turn's calls are
   * one batch and one sequential round, as in RL tool traces, even when some of them waited on
   * others (the dependency depth is in the run metrics); each line's `t` is still when it happened.
   */
  entries(): TraceEntry[];
  /** The entries so far as JSONL. */
  toJsonl(): string;
}

/** Order inside a turn: the model's message, then the calls it asked for, then everything else by time. */
const RANK_MESSAGE = 0;
const RANK_CALL = 1;
const RANK_OTHER = 2;

interface Slot {
  entry: TraceEntry;
  turn: number;
  rank: number;
  seq: number;
}

/** A wait of a call as its tool_call line keeps it. */
type WaitNote = NonNullable<ToolCallEntry['waits']>[number];
/** An execution of a call as its tool_call line keeps it. */
type AttemptNote = NonNullable<ToolCallEntry['attempts']>[number];

/** What is known of a call before and besides its start: readiness, waits, executions. */
interface CallNotes {
  readyT: number | undefined;
  deps: string[] | undefined;
  readonly waits: WaitNote[];
  readonly attempts: AttemptNote[];
}

interface OpenCall {
  readonly entry: ToolCallEntry;
  readonly slot: Slot;
  readonly startT: number | undefined;
}

/**
 * Creates a {@link TraceRecorder}.
 *
 * @example
 * const recorder = createTraceRecorder()
 * recorder.beginTurn()
 * const response = await callModel(messages)
 * recorder.recordAssistantMessage({ content: response.text, toolCalls: response.calls.map((c) => c.id) })
 * await run(plan, { tools, onEvent: (e) => recorder.record(e) })
 * await writeFile('trace.jsonl', recorder.toJsonl())
 */
export function createTraceRecorder(options: TraceRecorderOptions = {}): TraceRecorder {
  const now = options.now ?? (() => performance.now());
  const maxChars = options.maxValueChars ?? DEFAULT_MAX_TRACE_VALUE_CHARS;
  if (!Number.isInteger(maxChars) || maxChars < 0) throw new ToolgraphError('INVALID_OPTION', `expected \`maxValueChars\` to be a non-negative integer, got \`${String(options.maxValueChars)}\``);
  const includeResults = options.includeResults ?? true;
  const origin = now();
  const clock = (): number => now() - origin;
  const slots: Slot[] = [];
  let seq = 0;
  let turn = 0;
  let turnHasMessage = false;
  const runOffset = new Map<string, number>();
  /** Calls that a turn named before they started: id → turn and deps. */
  const named = new Map<string, { turn: number; deps: readonly string[] | undefined }>();
  const open = new Map<string, OpenCall>();
  /** Every slot of each call (its tool_call and tool_response lines), to move them together. */
  const callSlots = new Map<string, Slot[]>();
  /** Readiness, waits and executions of each call, written into its tool_call line. */
  const notes = new Map<string, CallNotes>();
  const notesOf = (id: string): CallNotes => {
    let n = notes.get(id);
    if (n === undefined) notes.set(id, (n = { readyT: undefined, deps: undefined, waits: [], attempts: [] }));
    return n;
  };
  /** Writes what is known of a call's waits and executions into its tool_call line. */
  const annotate = (entry: ToolCallEntry, n: CallNotes): void => {
    if (n.readyT !== undefined) entry.ready_t = n.readyT;
    if (entry.deps === undefined && n.deps !== undefined) entry.deps = [...n.deps];
    if (n.waits.length > 0) entry.waits = n.waits;
    if (n.attempts.length > 1) entry.attempts = n.attempts;
  };
  const note = (event: RunEvent, t: number): void => {
    switch (event.type) {
      case 'call_ready': {
        const n = notesOf(event.callId);
        n.readyT = t;
        if (event.deps !== undefined) n.deps = [...event.deps];
        break;
      }
      case 'call_waiting': {
        const { reason, on, resource, scope, limit } = event;
        notesOf(event.callId).waits.push({ reason, t, ...(on === undefined ? {} : { on }), ...(resource === undefined ? {} : { resource }), ...(scope === undefined ? {} : { scope }), ...(limit === undefined ? {} : { limit }) });
        break;
      }
      case 'approval_requested':
        break;
      case 'call_started':
        notesOf(event.callId).attempts.push({ attempt: event.attempt, t, ...(event.hedge === true ? { hedge: true } : {}) });
        break;
      case 'call_retry': {
        const attempts = notesOf(event.callId).attempts;
        for (let i = attempts.length - 1; i >= 0; i--) {
          const a = attempts[i] as AttemptNote;
          if (a.hedge === true || a.end_t !== undefined) continue;
          a.end_t = t;
          a.error = event.error.code;
          break;
        }
        break;
      }
      default:
        return;
    }
    const call = open.get('callId' in event ? event.callId : '');
    if (call !== undefined) annotate(call.entry, notesOf(call.entry.id));
  };

  const push = (entry: TraceEntry, entryTurn: number, rank: number): Slot => {
    const slot: Slot = { entry, turn: entryTurn, rank, seq: seq++ };
    slots.push(slot);
    return slot;
  };
  const traceTime = (event: RunEvent): number => {
    let offset = runOffset.get(event.runId);
    if (offset === undefined) {
      offset = clock() - event.t;
      runOffset.set(event.runId, offset);
    }
    return offset + event.t;
  };
  const openCall = (event: Extract<RunEvent, { callId: string }>, t: number, args: unknown): OpenCall => {
    const name = named.get(event.callId);
    const callTurn = name?.turn ?? turn;
    const bounded = boundValue(args, maxChars);
    const entry: ToolCallEntry = {
      type: 'tool_call',
      id: event.callId,
      name: event.tool,
      ...(bounded.value === undefined ? {} : { args: bounded.value }),
      ...(bounded.truncated ? { args_truncated: true } : {}),
      turn: callTurn,
      t,
      ...(name?.deps === undefined ? {} : { deps: [...name.deps] }),
    };
    const n = notes.get(event.callId);
    if (n !== undefined) annotate(entry, n);
    const call: OpenCall = { entry, slot: push(entry, callTurn, RANK_CALL), startT: event.type === 'call_started' ? t : undefined };
    open.set(event.callId, call);
    callSlots.set(event.callId, [call.slot]);
    return call;
  };

  const record = (event: RunEvent): void => {
    const t = traceTime(event);
    if (event.type === 'run_started') runOffset.set(event.runId, clock() - event.t);
    if (options.includeEvents === true) push({ type: 'event', t, event: event as { type: string } }, turn, RANK_OTHER);
    note(event, t);
    if (event.type === 'call_started') {
      if (!open.has(event.callId)) openCall(event, t, event.args);
      return;
    }
    if (!isTerminalEvent(event)) return;
    const call = open.get(event.callId) ?? openCall(event, t, undefined);
    open.delete(event.callId);
    const response: ToolResponseEntry = {
      type: 'tool_response',
      call_id: event.callId,
      status: event.type.slice('call_'.length),
      t,
      duration_ms: call.startT === undefined ? 0 : Math.max(0, t - call.startT),
      ...('error' in event ? { error: event.error } : {}),
    };
    if (event.type === 'call_succeeded' && includeResults) {
      const bounded = boundValue(event.result, maxChars);
      if (bounded.value !== undefined) response.result = bounded.value;
      if (bounded.truncated) response.result_truncated = true;
    }
    callSlots.get(event.callId)?.push(push(response, call.slot.turn, RANK_OTHER));
  };

  const endedIn = (which: number): string[] =>
    slots.filter((s) => s.turn === which && s.entry.type === 'tool_response').map((s) => (s.entry as ToolResponseEntry).call_id);

  const beginTurn = (): number => {
    turn++;
    turnHasMessage = false;
    return turn;
  };

  return {
    record,
    observer: { next: record, error: () => {}, complete: () => {} },
    beginTurn,
    recordAssistantMessage(message = {}) {
      if (turn === 0 || turnHasMessage) beginTurn();
      turnHasMessage = true;
      const ids: string[] = [];
      for (const c of message.toolCalls ?? []) {
        const id = typeof c === 'string' ? c : c.id;
        const deps = typeof c === 'string' ? undefined : c.deps;
        ids.push(id);
        named.set(id, { turn, deps });
        // A call that started while the response was still streaming moves to this turn.
        for (const slot of callSlots.get(id) ?? []) {
          slot.turn = turn;
          if (slot.entry.type === 'tool_call') {
            const call = slot.entry as ToolCallEntry;
            call.turn = turn;
            if (deps !== undefined) call.deps = [...deps];
          }
        }
      }
      const entry: AssistantMessageEntry = {
        type: 'assistant_message',
        turn,
        t: message.t ?? clock(),
        ...(message.content === undefined ? {} : { content: message.content }),
        ...(message.toolCalls === undefined ? {} : { tool_calls: ids }),
      };
      push(entry, turn, RANK_MESSAGE);
      return entry;
    },
    recordRejoin(rejoin = {}) {
      const entry: RejoinEntry = {
        type: 'rejoin',
        turn,
        t: rejoin.t ?? clock(),
        returned: [...(rejoin.returned ?? endedIn(turn))],
      };
      push(entry, turn, RANK_OTHER);
      return entry;
    },
    entries() {
      const sorted = [...slots].sort((a, b) => a.turn - b.turn || a.rank - b.rank || entryTime(a.entry) - entryTime(b.entry) || a.seq - b.seq);
      return sorted.map((s) => ({ ...s.entry }) as TraceEntry);
    },
    toJsonl() {
      return toJsonl(this.entries());
    },
  };
}

function entryTime(entry: TraceEntry): number {
  const t = (entry as { t?: unknown }).t;
  return typeof t === 'number' ? t : 0;
}
