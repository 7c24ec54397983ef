/**
 * `toolgraphNode`: a drop-in for LangGraph's `ToolNode` (messages in, `ToolMessage`s out) that
 * runs the last AI message's tool calls as a DAG.
 */
import { isAIMessage } from '@langchain/core/messages';
import type { BaseMessage, ToolMessage } from '@langchain/core/messages';
import type { RunnableConfig } from '@langchain/core/runnables';
import type { AnyTool } from './langchain-tools.js';
import { toToolgraphTools } from './langchain-tools.js';
import { defaultResultCache, defaultRunId, isGraphBubbleUp, runToolCalls } from './run-tool-calls.js';
import type { ToolgraphLangChainOptions } from './run-tool-calls.js';

/** The node function: `{ messages }` in, `{ messages: ToolMessage[] }` out. */
export type ToolgraphNode = (state: { readonly messages: readonly BaseMessage[] }, config?: RunnableConfig) => Promise<{ messages: ToolMessage[] }>;

/**
 * A LangGraph node running the tool calls of the last AI message through toolgraph.
 * An approver (or tool) may call LangGraph's `interrupt()`: the graph interrupts, and on
 * `Command({ resume })` the node runs again with the calls that already finished served from
 * its result cache.
 *
 * @example
 * const graph = new StateGraph(MessagesAnnotation)
 *   .addNode('agent', callModel)
 *   .addNode('tools', toolgraphNode([searchDocs, readFile]))
 *   .addEdge(START, 'agent').addConditionalEdges('agent', toolsCondition).addEdge('tools', 'agent')
 *   .compile({ checkpointer: new MemorySaver() })
 */
export function toolgraphNode(tools: readonly AnyTool[], options: ToolgraphLangChainOptions = {}): ToolgraphNode {
  const { effects, runId, resultCache, ...runOptions } = options;
  const tgTools = toToolgraphTools(tools, effects);
  const cache = resultCache ?? defaultResultCache();
  return async (state, config) => {
    const messages = state.messages;
    const last = messages[messages.length - 1];
    if (last === undefined || !isAIMessage(last)) throw new Error('toolgraphNode: the last message is not an AI message with tool calls');
    const calls = last.tool_calls ?? [];
    if (calls.length === 0) return { messages: [] };
    const threadId = (config?.configurable as { thread_id?: unknown } | undefined)?.thread_id;
    const thread = typeof threadId === 'string' || typeof threadId === 'number' ? String(threadId) : undefined;
    const id = (runId ?? defaultRunId)(thread, last);
    const userTest = options.isControlFlowError;
    const signal = runOptions.signal === undefined ? config?.signal : config?.signal === undefined ? runOptions.signal : AbortSignal.any([runOptions.signal, config.signal]);
    const messagesOut = await runToolCalls(calls, {
      ...runOptions,
      tools: tgTools,
      runId: id,
      // A journal (durable runs) also serves finished calls on a re-run; it excludes a cache.
      ...(runOptions.journal === undefined ? { resultCache: cache } : {}),
      isControlFlowError: (error) => isGraphBubbleUp(error) || userTest?.(error) === true,
      ...(signal === undefined ? {} : { signal }),
    });
    return { messages: messagesOut };
  };
}
