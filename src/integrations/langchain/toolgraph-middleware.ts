/**
 * `toolgraphMiddleware`: LangChain v1 `createAgent` middleware. `wrapModelCall` starts a run
 * of the model's tool calls as soon as the model answers; `wrapToolCall` never runs the tool
 * itself, it waits for toolgraph's outcome of its call id (so the agent's tool concurrency
 * cannot deadlock the run). With an `approve` option the run starts in the tools step instead,
 * so an approver may call `interrupt()` there.
 */
import { AIMessage, isAIMessage } from '@langchain/core/messages';
import type { BaseMessage, ToolMessage } from '@langchain/core/messages';
import type { ToolCall } from '@langchain/core/messages/tool';
import type { AgentMiddleware } from 'langchain';
import type { RunOptions } from '../../schedule/execute-options.js';
import { StepRun } from '../shared/step-run.js';
import type { AnyTool } from './langchain-tools.js';
import { toLangChainTools, toToolgraphTools } from './langchain-tools.js';
import { defaultResultCache, defaultRunId, isGraphBubbleUp, toolMessage } from './run-tool-calls.js';
import type { ToolgraphLangChainOptions } from './run-tool-calls.js';

/** LangChain's registry symbol for middleware objects (what `createMiddleware` sets). */
const MIDDLEWARE_BRAND = Symbol.for('AgentMiddleware');

interface Entry {
  readonly calls: readonly ToolCall[];
  readonly runId: string;
  step: StepRun | undefined;
  /** Set when the step's run ended by a control-flow error: the next waiter starts a new one. */
  stale: boolean;
}

/**
 * Middleware running a `createAgent` agent's tool calls through toolgraph. Give the tools to
 * the middleware (it registers them with the agent), not to `createAgent` as well.
 *
 * @example
 * const agent = createAgent({ model, tools: [], middleware: [toolgraphMiddleware([searchDocs, readFile])] })
 */
export function toolgraphMiddleware(tools: readonly AnyTool[], options: ToolgraphLangChainOptions = {}): AgentMiddleware {
  const { effects, runId, resultCache, ...runOptions } = options;
  const tgTools = toToolgraphTools(tools, effects);
  const names = new Set(tgTools.map((t) => t.name));
  const cache = resultCache ?? defaultResultCache();
  const byCall = new Map<string, Entry>();
  const userTest = options.isControlFlowError;

  const startStep = (entry: Entry): StepRun => {
    const opts: RunOptions = { ...runOptions, tools: tgTools, runId: entry.runId, ...(runOptions.journal === undefined ? { resultCache: cache } : {}), isControlFlowError: (error) => isGraphBubbleUp(error) || userTest?.(error) === true };
    const step = new StepRun(opts);
    for (const call of entry.calls) if (names.has(call.name)) step.add({ id: call.id, name: call.name, args: call.args });
    step.end();
    entry.step = step;
    entry.stale = false;
    void step.done.catch(() => {
      entry.stale = true;
    });
    return step;
  };

  const register = (message: AIMessage): Entry | undefined => {
    const calls = message.tool_calls ?? [];
    if (!calls.some((c) => names.has(c.name))) return undefined;
    const entry: Entry = { calls, runId: (runId ?? defaultRunId)(undefined, message), step: undefined, stale: false };
    for (const call of calls) if (typeof call.id === 'string') byCall.set(call.id, entry);
    return entry;
  };

  /** The entry of a call: known from wrapModelCall, or found in the state (a resumed or restarted agent). */
  const entryOf = (callId: string, messages: readonly BaseMessage[]): Entry | undefined => {
    const known = byCall.get(callId);
    if (known !== undefined) return known;
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i];
      if (m !== undefined && isAIMessage(m) && (m.tool_calls ?? []).some((c) => c.id === callId)) return register(m);
    }
    return undefined;
  };

  const middleware = {
    [MIDDLEWARE_BRAND]: true,
    name: 'toolgraph',
    tools: toLangChainTools(tools),
    wrapModelCall: async (request: unknown, handler: (request: unknown) => Promise<unknown> | unknown) => {
      const response = await handler(request);
      if (response instanceof AIMessage || (typeof response === 'object' && response !== null && isAIMessage(response as BaseMessage))) {
        const entry = register(response as AIMessage);
        // An approver may call interrupt(), which must happen in the tools step: start there.
        if (entry !== undefined && options.approve === undefined) startStep(entry);
      }
      return response;
    },
    wrapToolCall: async (request: { toolCall: ToolCall; state: { messages: BaseMessage[] } }, handler: (request: unknown) => Promise<ToolMessage | unknown> | ToolMessage | unknown) => {
      const callId = request.toolCall.id;
      if (callId === undefined || !names.has(request.toolCall.name)) return handler(request);
      const entry = entryOf(callId, request.state.messages);
      if (entry === undefined) return handler(request);
      const step = entry.step === undefined || entry.stale ? startStep(entry) : entry.step;
      return toolMessage(await step.outcome(callId));
    },
  };
  return middleware as unknown as AgentMiddleware;
}
