/**
 * The agent turn, repeated: the model answers → its calls become a plan (dispatched while the
 * response still streams) → the scheduler runs them → the rejoin policy hands results back →
 * the results go into the conversation in the provider's shape → the next model turn. It stops
 * when the model answers without tool calls (or after `maxTurns`).
 */
import { tap } from 'rxjs';
import type { CallOutcome, FormatItem, ParsedResponse, RenderOptions } from '../formats/format-types.js';
import { rejoin, type RejoinSnapshot } from '../rejoin/rejoin.js';
import type { RejoinPolicy } from '../rejoin/rejoin-policy.js';
import { systemClock, type Clock } from '../schedule/clock.js';
import type { RunEvent, RunMetrics } from '../schedule/events.js';
import type { ExecuteOptions } from '../schedule/execute-options.js';
import { execute } from '../schedule/scheduler.js';
import { ToolgraphError } from '../errors.js';
import type { TraceRecorder } from '../observe/trace-recorder.js';
import { callDeps } from '../plan/call-deps.js';
import { lateResultsNote, type ConversationAdapter } from './conversation-adapter.js';
import { DEFAULT_KEEP_RESULTS, ResultMemory, toolsWithRecall, withRecalls } from './recall.js';

/** What `callModel` receives. */
export interface ModelRequest {
  /** The conversation so far, in the provider's shape. */
  readonly messages: readonly unknown[];
  /** 1 for the first turn. */
  readonly turn: number;
  /** Aborted when the agent is cancelled. */
  readonly signal: AbortSignal;
}

/** Something the agent reports: a run event of a turn, or a model turn. */
export type AgentEvent =
  | { readonly kind: 'run'; readonly turn: number; readonly event: RunEvent }
  | {
      readonly kind: 'model';
      readonly turn: number;
      /** ms since the agent started. */
      readonly startedMs: number;
      /** ms since the agent started. */
      readonly endedMs: number;
      /** Assistant text of the turn. */
      readonly text: string | undefined;
      /** Provider ids of the calls the model made. */
      readonly callIds: readonly string[];
    }
  | { readonly kind: 'rejoin'; readonly turn: number; readonly atMs: number; readonly outcomes: readonly CallOutcome[] };

/** Options of {@link runAgent}. */
export interface RunAgentOptions extends Omit<ExecuteOptions, 'runId' | 'signal'> {
  /** The provider's conversation shape: `openAIChatAdapter()`, `openAIResponsesAdapter()`, `anthropicAdapter()` or `geminiAdapter()`. */
  readonly provider: ConversationAdapter;
  /** Calls the model: returns a whole response, or an AsyncIterable of stream chunks. */
  readonly callModel: (request: ModelRequest) => unknown;
  /** The conversation to start from. @default [] */
  readonly messages?: readonly unknown[];
  /** When to hand results back. @default 'all' */
  readonly rejoin?: RejoinPolicy;
  /** Calls still running at a rejoin go on (their results come with the next turn) or are cancelled. @default 'continue' */
  readonly inFlight?: 'continue' | 'cancel';
  /** Most model turns. @default 10 */
  readonly maxTurns?: number;
  /** Cancels the agent. */
  readonly signal?: AbortSignal;
  /** How results are rendered (size limit). */
  readonly render?: RenderOptions;
  /** Receives every run event and model turn. */
  readonly onEvent?: (event: AgentEvent) => void;
  /** Records the agent's model turns, calls and rejoins as an RL-style JSONL trace. */
  readonly trace?: TraceRecorder;
  /** Prefix of each turn's run id. @default a random id */
  readonly agentId?: string;
  /**
   * Results kept for later turns: a later call may reference an earlier turn's call by its id
   * (`${call_abc.items[0]}`). The oldest are dropped first; 0 keeps none. @default 256
   */
  readonly keepResults?: number;
}

/** One turn of the agent. */
export interface AgentTurn {
  /** 1 for the first turn. */
  readonly turn: number;
  /** When the model was called and when its response ended (ms since the agent started). */
  readonly modelStartMs: number;
  readonly modelEndMs: number;
  /** The calls' outcomes as handed back to the model (provider ids). */
  readonly outcomes: readonly CallOutcome[];
  /** When results were handed back (ms since the agent started), for turns with calls. */
  readonly rejoinMs: number | undefined;
  /** Time from the last needed result to the rejoin. */
  readonly rejoinLatencyMs: number | undefined;
  /** The turn's run metrics, once its calls all finished. */
  readonly metrics: RunMetrics | undefined;
}

/** What {@link runAgent} resolves to. */
export interface AgentResult {
  /** The model's final text. */
  readonly text: string | undefined;
  /** The whole conversation, in the provider's shape. */
  readonly messages: readonly unknown[];
  /** Every turn. */
  readonly turns: readonly AgentTurn[];
  /** Why the loop stopped. */
  readonly stopped: 'answer' | 'max_turns';
  /** Outcomes that arrived after the last rejoin and were never shown to the model. */
  readonly unreported: readonly CallOutcome[];
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function';
}

/**
 * Runs the agent loop until the model answers without tool calls.
 *
 * @example
 * const result = await runAgent({
 *   provider: openAIChatAdapter(),
 *   callModel: ({ messages }) => openai.chat.completions.create({ model: 'gpt-4.1', messages, tools: schemas }),
 *   messages: [{ role: 'user', content: 'Compare ACME returns with competitors' }],
 *   tools: [search, readFile],
 *   rejoin: { deadlineMs: 3000 },
 * })
 * console.log(result.text)
 */
export async function runAgent(options: RunAgentOptions): Promise<AgentResult> {
  const clock: Clock = options.clock ?? systemClock;
  const t0 = clock.now();
  const since = (): number => clock.now() - t0;
  const maxTurns = options.maxTurns ?? 10;
  if (!(Number.isInteger(maxTurns) && maxTurns >= 1)) throw new ToolgraphError('INVALID_OPTION', `expected \`maxTurns\` to be a positive integer, got \`${String(options.maxTurns)}\``);
  const agentId = options.agentId ?? `agent_${Math.random().toString(36).slice(2, 10)}`;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const messages: unknown[] = [...(options.messages ?? [])];
  const turns: AgentTurn[] = [];
  const lateArrived: CallOutcome[] = [];
  const pendingLate: Promise<void>[] = [];
  const { provider, callModel, rejoin: policy, inFlight, render, onEvent, trace } = options;
  const keep = options.keepResults ?? DEFAULT_KEEP_RESULTS;
  if (!(Number.isInteger(keep) && keep >= 0)) throw new ToolgraphError('INVALID_OPTION', `expected \`keepResults\` to be a non-negative integer, got \`${String(options.keepResults)}\``);
  const memory = new ResultMemory(keep);
  const tools = keep === 0 ? options.tools : toolsWithRecall(options.tools, memory);
  try {
    for (let turn = 1; turn <= maxTurns; turn++) {
      if (controller.signal.aborted) throw new ToolgraphError('CANCELLED', 'the agent was cancelled');
      const modelStartMs = since();
      trace?.beginTurn();
      const response = await callModel({ messages: [...messages], turn, signal: controller.signal });
      let parsed: ParsedResponse;
      let items: AsyncIterable<FormatItem> | readonly FormatItem[];
      let streamEnded: Promise<ParsedResponse>;
      if (isAsyncIterable(response)) {
        const parser = provider.createStreamParser();
        let endStream!: (p: ParsedResponse) => void;
        let failStream!: (e: unknown) => void;
        streamEnded = new Promise((res, rej) => {
          endStream = res;
          failStream = rej;
        });
        items = (async function* () {
          try {
            for await (const chunk of response) for (const item of parser.push(chunk)) yield item;
            for (const item of parser.end()) yield item;
            endStream(parser.result());
          } catch (error) {
            for (const item of parser.end()) yield item;
            failStream(error);
          }
        })();
      } else {
        parsed = provider.parse(response);
        items = parsed.items;
        streamEnded = Promise.resolve(parsed);
      }
      // Dispatch while the response streams: the scheduler consumes `items` as they complete.
      const hasCalls = Array.isArray(items) ? items.length > 0 : true;
      let snapshot: RejoinSnapshot | undefined;
      const recalled = new Set<string>();
      let handle: ReturnType<typeof rejoin> | undefined;
      if (hasCalls) {
        // Calls referencing kept results of earlier turns get them through recall calls (not shown to users).
        const events = execute(keep === 0 ? items : withRecalls(items, memory, recalled), { ...options, tools, runId: `${agentId}-t${turn}`, signal: controller.signal });
        const tapped =
          onEvent === undefined && trace === undefined
            ? events
            : events.pipe(
                tap((event) => {
                  if ('callId' in event && recalled.has(event.callId)) return;
                  trace?.record(event);
                  onEvent?.({ kind: 'run', turn, event });
                }),
              );
        handle = rejoin(tapped, {
          clock,
          ...(policy === undefined ? {} : { policy }),
          ...(inFlight === undefined ? {} : { inFlight }),
        });
      }
      try {
        parsed = await streamEnded;
      } catch (error) {
        handle?.cancel();
        throw error;
      }
      const modelEndMs = since();
      trace?.recordAssistantMessage({ ...(parsed.text === undefined ? {} : { content: parsed.text }), toolCalls: parsed.items.map((i) => ({ id: i.id, deps: callDeps(i) })) });
      onEvent?.({ kind: 'model', turn, startedMs: modelStartMs, endedMs: modelEndMs, text: parsed.text, callIds: parsed.items.map((i) => parsed.ids.providerId(i.id)) });
      if (provider.assistantTurn !== undefined) messages.push(...provider.assistantTurn(parsed, response));
      else messages.push(provider.assistantMessage(parsed, response));
      if (parsed.items.length === 0 || handle === undefined) {
        handle?.cancel();
        turns.push({ turn, modelStartMs, modelEndMs, outcomes: [], rejoinMs: undefined, rejoinLatencyMs: undefined, metrics: undefined });
        await Promise.all(pendingLate);
        return { text: parsed.text, messages, turns, stopped: 'answer', unreported: lateArrived.splice(0) };
      }
      snapshot = await handle.snapshot;
      const rejoinMs = since();
      const byId = new Map(snapshot.outcomes.map((o) => [o.id, o]));
      // Ids toolgraph generated (the provider gave none, as Gemini may) are marked, so they are not sent back.
      const outcomes: CallOutcome[] = parsed.items.map((item) => {
        const o = byId.get(item.id);
        const id = parsed.ids.providerId(item.id);
        const generated = parsed.ids.isGenerated(item.id) ? { idGenerated: true } : {};
        return o === undefined ? { id, tool: item.tool ?? 'unknown tool', status: 'running', ...generated } : { ...o, id, ...generated };
      });
      for (const item of parsed.items) {
        const o = byId.get(item.id);
        if (o?.status === 'succeeded' && !parsed.ids.isGenerated(item.id)) memory.remember(item.id, o.result);
      }
      onEvent?.({ kind: 'rejoin', turn, atMs: rejoinMs, outcomes });
      trace?.recordRejoin({ returned: snapshot.outcomes.filter((o) => o.status !== 'running').map((o) => o.id) });
      const note = lateResultsNote(lateArrived.splice(0), render ?? {});
      messages.push(...provider.resultMessages(outcomes, note, render ?? {}));
      const turnRecord: { -readonly [K in keyof AgentTurn]: AgentTurn[K] } = { turn, modelStartMs, modelEndMs, outcomes, rejoinMs, rejoinLatencyMs: snapshot.rejoinLatencyMs, metrics: undefined };
      turns.push(turnRecord);
      const ids = parsed.ids;
      pendingLate.push(
        handle.late.then((late) => {
          for (const o of late) {
            if (recalled.has(o.id)) continue;
            if (o.status === 'succeeded' && !ids.isGenerated(o.id)) memory.remember(o.id, o.result);
            lateArrived.push({ ...o, id: ids.providerId(o.id), ...(ids.isGenerated(o.id) ? { idGenerated: true } : {}) });
          }
        }),
        handle.finished.then((m) => {
          turnRecord.metrics = m;
        }),
      );
    }
    await Promise.all(pendingLate);
    return { text: undefined, messages, turns, stopped: 'max_turns', unreported: lateArrived.splice(0) };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
