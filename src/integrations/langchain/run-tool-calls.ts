/**
 * One AI message's tool calls run by toolgraph and answered as `ToolMessage`s, the way
 * LangGraph's `ToolNode` answers them. The run id is stable per thread and message, and a
 * result cache is always on: when LangGraph re-runs the node after an `interrupt()`, calls that
 * already finished are served from the cache (not run again) and fill their dependents.
 */
import { ToolMessage } from '@langchain/core/messages';
import type { ToolCall } from '@langchain/core/messages/tool';
import { fnv1a } from '../../formats/call-ids.js';
import { collectCalls } from '../../formats/collect-calls.js';
import { collectOutcomes, outcomeText } from '../../formats/render-outcome.js';
import type { CallOutcome } from '../../formats/format-types.js';
import { MemoryResultCache } from '../../journal/memory-journal.js';
import type { ResultCache } from '../../journal/journal-types.js';
import type { RunOptions } from '../../schedule/execute-options.js';
import { run } from '../../schedule/scheduler.js';
import type { ToolEffects } from '../../tools/tool-types.js';

/** Options of `toolgraphNode` and `toolgraphMiddleware`: run options without `tools`. */
export interface ToolgraphLangChainOptions extends Omit<RunOptions, 'tools' | 'runId' | 'resultCache'> {
  /** Effects of LangChain tools by name (they say nothing, so they are writes by default). */
  readonly effects?: Readonly<Record<string, ToolEffects>>;
  /**
   * Where finished calls are kept so a re-run of the node (after an interrupt) does not run
   * them again. Use a durable one with a durable checkpointer; not used when `journal` is given
   * (a journal serves finished calls itself). @default one in-memory cache per node
   */
  readonly resultCache?: ResultCache;
  /** The run id of a message's calls. @default `langgraph:<thread_id>:<message id or a hash of its calls>` */
  readonly runId?: (threadId: string | undefined, message: { readonly id?: string | undefined; readonly tool_calls?: readonly ToolCall[] | undefined }) => string;
}

/** True for LangGraph's control flow (`interrupt()`, `Command({ graph: PARENT })`): never contained. */
export function isGraphBubbleUp(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { is_bubble_up?: unknown }).is_bubble_up === true;
}

/** A fresh default result cache (one per node or middleware). */
export function defaultResultCache(): ResultCache {
  return new MemoryResultCache({ maxEntries: 10_000 });
}

/** The default run id of one message's calls. */
export function defaultRunId(threadId: string | undefined, message: { readonly id?: string | undefined; readonly tool_calls?: readonly ToolCall[] | undefined }): string {
  const calls = message.tool_calls ?? [];
  const key = typeof message.id === 'string' && message.id !== '' ? message.id : fnv1a(JSON.stringify(calls.map((c) => [c.id, c.name, c.args])));
  return `langgraph:${threadId ?? 'no-thread'}:${key}`;
}

/** A call's outcome as a `ToolMessage` (error outcomes with `status: 'error'` and toolgraph's text). */
export function toolMessage(outcome: CallOutcome): ToolMessage {
  const { text, isError } = outcomeText(outcome);
  return new ToolMessage({ content: text, tool_call_id: outcome.id, name: outcome.tool, status: isError ? 'error' : 'success' });
}

/** Runs the tool calls and answers each, in order. */
export async function runToolCalls(calls: readonly ToolCall[], options: RunOptions): Promise<ToolMessage[]> {
  const parsed = collectCalls(calls.map((c) => ({ id: c.id, name: c.name, args: c.args })));
  const result = await run(parsed.items, options);
  return collectOutcomes(parsed.items, result.calls, parsed.ids).map(toolMessage);
}
