/**
 * `toolgraph/openai-agents`: toolgraph inside the OpenAI Agents SDK (`@openai/agents-core`).
 * `wrapModel` starts a run from each response's ordered `function_call` items (while streaming,
 * as each item completes in the raw stream); the function tools handed to the agent only
 * await toolgraph's result for their call id. Approvals are the SDK's interruptions: a call
 * toolgraph asks about needs approval (its args filled, see `pendingApproval`), and
 * `state.approve` / `state.reject` then run or refuse it in the same toolgraph run, so no call
 * that already finished runs again on resume.
 *
 * @example
 * const tg = toolgraphAgents({ tools: [getUser, deleteUser] })
 * const agent = new Agent({ name: 'ops', model: tg.wrapModel(model), tools: tg.tools })
 * let result = await run(agent, 'delete the user of order 7')
 * for (const item of result.interruptions) {
 *   console.log(tg.pendingApproval(item)) // { kind: 'asks', tool: 'delete_user', args: { id: 'u7' } }
 *   result.state.approve(item)
 * }
 * result = await run(agent, result.state)
 */
import { tool as agentsTool } from '@openai/agents-core';
import type { FunctionTool, Model, ModelRequest, ModelResponse, RunContext, RunToolApprovalItem } from '@openai/agents-core';
import type { RunOptions } from '../../schedule/execute-options.js';
import { toolRegistry } from '../../tools/define-tool.js';
import type { ToolsInput } from '../../tools/tool-types.js';
import { ApprovalGate } from '../shared/approval-gate.js';
import type { PendingApproval } from '../shared/approval-gate.js';
import { StepRun, ToolgraphCallError } from '../shared/step-run.js';
import { declarationOf } from '../shared/tool-declarations.js';

export { ToolgraphCallError } from '../shared/step-run.js';
export type { PendingApproval } from '../shared/approval-gate.js';

/** Options of {@link toolgraphAgents}: the run options of every model step, with its tools. */
export interface ToolgraphAgentsOptions extends Omit<RunOptions, 'tools' | 'runId'> {
  /** The toolgraph tools (`defineTool`) the agent may call. */
  readonly tools: ToolsInput;
  /**
   * The run id of a model step. @default `agents:<responseId>` when the model gives a response
   * id, else a random id
   */
  readonly runId?: (responseId: string | undefined, step: number) => string;
}

/** What {@link toolgraphAgents} returns. */
export interface ToolgraphAgents {
  /** Wraps the agent's model so toolgraph sees each response's function calls first. */
  wrapModel(model: Model): Model;
  /** The function tools to give the agent (placeholders admitted in typed fields). */
  readonly tools: FunctionTool[];
  /** What toolgraph asks about an interruption: the tool and its filled args (`undefined` for calls it does not manage). */
  pendingApproval(item: RunToolApprovalItem): PendingApproval | undefined;
}

interface Step {
  readonly run: StepRun;
  readonly gate: ApprovalGate | undefined;
}

type FunctionCallLike = { readonly type?: unknown; readonly callId?: unknown; readonly name?: unknown; readonly arguments?: unknown };

function asFunctionCall(item: unknown): { callId: string; name: string; arguments: string } | undefined {
  const f = item as FunctionCallLike;
  if (typeof item !== 'object' || item === null || f.type !== 'function_call') return undefined;
  if (typeof f.callId !== 'string' || typeof f.name !== 'string') return undefined;
  return { callId: f.callId, name: f.name, arguments: typeof f.arguments === 'string' ? f.arguments : '' };
}

/** A completed function call in a raw Responses API stream event (`response.output_item.done`). */
function rawFunctionCall(event: unknown): { callId: string; name: string; arguments: string } | undefined {
  const e = event as { type?: unknown; item?: { type?: unknown; call_id?: unknown; name?: unknown; arguments?: unknown } };
  if (typeof event !== 'object' || event === null || e.type !== 'response.output_item.done') return undefined;
  const item = e.item;
  if (item?.type !== 'function_call' || typeof item.call_id !== 'string' || typeof item.name !== 'string') return undefined;
  return { callId: item.call_id, name: item.name, arguments: typeof item.arguments === 'string' ? item.arguments : '' };
}

/**
 * A model wrapper and function tools running the agent's calls through toolgraph.
 *
 * @example
 * const tg = toolgraphAgents({ tools: [search, readFile], concurrency: 4 })
 * const agent = new Agent({ name: 'docs', model: tg.wrapModel(model), tools: tg.tools })
 */
export function toolgraphAgents(options: ToolgraphAgentsOptions): ToolgraphAgents {
  const registry = toolRegistry(options.tools);
  const { runId, tools: _tools, ...runOptions } = options;
  const stepOf = new Map<string, Step>();
  const live = new Set<Step>();
  let steps = 0;

  const start = (responseId: string | undefined, signal: AbortSignal | undefined): { step: Step; seen: Set<string> } => {
    // The SDK calls the model again only once every call of the turn before has an output: a
    // call still parked was not approved (state.reject gives toolgraph no other sign).
    for (const step of live) {
      const gate = step.gate;
      if (gate === undefined) continue;
      for (const parked of gate.asked()) gate.decide(parked, { reject: 'the user did not approve it' });
    }
    const n = steps++;
    const id = runId !== undefined ? runId(responseId, n) : responseId !== undefined ? `agents:${responseId}` : undefined;
    const hostAsks = options.approve === undefined;
    let gate: ApprovalGate | undefined;
    const combined = signal === undefined ? options.signal : options.signal === undefined ? signal : AbortSignal.any([options.signal, signal]);
    const run = new StepRun({
      ...runOptions,
      tools: registry,
      ...(id === undefined ? {} : { runId: id }),
      ...(combined === undefined ? {} : { signal: combined }),
      ...(hostAsks
        ? {
            requireApproval: (request) => (gate as ApprovalGate).requireApproval(request),
            approve: (request) => (gate as ApprovalGate).approve(request),
            onEvent: (event) => {
              options.onEvent?.(event);
              gate?.onEvent(event);
            },
          }
        : {}),
    });
    if (hostAsks) gate = new ApprovalGate(options.requireApproval ?? 'destructive');
    const step: Step = { run, gate };
    live.add(step);
    void run.done.then(
      () => live.delete(step),
      () => live.delete(step),
    );
    return { step, seen: new Set() };
  };

  const take = (current: { step: Step; seen: Set<string> }, call: { callId: string; name: string; arguments: string }): void => {
    if (!registry.has(call.name) || current.seen.has(call.callId)) return;
    current.seen.add(call.callId);
    const item = current.step.run.add({ id: call.callId, name: call.name, argsJson: call.arguments });
    current.step.gate?.noteCall(item.id, call.name, 'args' in item ? item.args : call.arguments);
    stepOf.set(call.callId, current.step);
  };

  const finishStep = (current: { step: Step }): void => {
    current.step.run.end();
    current.step.gate?.endSource();
  };

  /** The host's decisions (state.approve / state.reject) reach toolgraph's parked calls. */
  const syncDecisions = (context: RunContext<unknown> | undefined): void => {
    if (context === undefined) return;
    for (const step of live) {
      const gate = step.gate;
      if (gate === undefined) continue;
      for (const id of gate.asked()) {
        const pending = gate.pending(id);
        if (pending === undefined) continue;
        const approved = context.isToolApproved({ toolName: pending.tool, callId: step.run.frameworkId(id) });
        if (approved === true) gate.decide(id, 'approve');
        else if (approved === false) gate.decide(id, { reject: 'the user did not approve it' });
      }
    }
  };

  const wrapModel = (model: Model): Model => {
    const wrapped: Model = {
      async getResponse(request: ModelRequest): Promise<ModelResponse> {
        const response = await model.getResponse(request);
        const current = start(response.responseId, request.signal);
        for (const item of response.output) {
          const call = asFunctionCall(item);
          if (call !== undefined) take(current, call);
        }
        finishStep(current);
        return response;
      },
      async *getStreamedResponse(request: ModelRequest) {
        let current: { step: Step; seen: Set<string> } | undefined;
        try {
          for await (const event of model.getStreamedResponse(request)) {
            if (event.type === 'model') {
              const call = rawFunctionCall(event.event);
              if (call !== undefined) take((current ??= start(undefined, request.signal)), call);
            } else if (event.type === 'response_done') {
              current ??= start(event.response.id, request.signal);
              for (const item of event.response.output) {
                const call = asFunctionCall(item);
                if (call !== undefined) take(current, call);
              }
              finishStep(current);
            }
            yield event;
          }
        } finally {
          if (current !== undefined) finishStep(current);
        }
      },
    };
    if (model.getRetryAdvice !== undefined) {
      const advice = model.getRetryAdvice.bind(model);
      Object.assign(wrapped, { getRetryAdvice: advice });
    }
    if (model.supportsPromptModelSelection !== undefined) Object.assign(wrapped, { supportsPromptModelSelection: model.supportsPromptModelSelection });
    return wrapped;
  };

  const tools: FunctionTool[] = [];
  for (const t of registry.values()) {
    const declaration = declarationOf(t);
    tools.push(
      agentsTool({
        name: t.name,
        description: declaration.description === '' ? t.name : declaration.description,
        parameters: declaration.inputSchema as never,
        strict: false,
        needsApproval: async (context: RunContext<unknown>, _input: unknown, callId?: string) => {
          syncDecisions(context);
          const step = callId === undefined ? undefined : stepOf.get(callId);
          if (step?.gate === undefined || callId === undefined) return false;
          const id = step.run.idOf(callId);
          return id === undefined ? false : step.gate.needsHost(id);
        },
        execute: async (_input: unknown, context?: RunContext<unknown>, details?: { toolCall?: { callId?: string } }) => {
          syncDecisions(context);
          const callId = details?.toolCall?.callId;
          const step = callId === undefined ? undefined : stepOf.get(callId);
          if (step === undefined || callId === undefined) {
            throw new Error(`toolgraph: the call ${JSON.stringify(callId ?? null)} of ${t.name} was not seen by toolgraph's model wrapper; give the agent tg.wrapModel(model)`);
          }
          const id = step.run.idOf(callId);
          // The SDK runs a call that needed approval only once the host approved it.
          if (id !== undefined && step.gate?.pending(id) !== undefined) step.gate.decide(id, 'approve');
          return step.run.result(callId);
        },
        errorFunction: (_context: unknown, error: unknown) => (error instanceof ToolgraphCallError ? error.message : `Error (TOOL_ERROR): ${error instanceof Error ? error.message : String(error)}`),
      }) as unknown as FunctionTool,
    );
  }

  const pendingApproval = (item: RunToolApprovalItem): PendingApproval | undefined => {
    const call = asFunctionCall(item.rawItem);
    if (call === undefined) return undefined;
    const step = stepOf.get(call.callId);
    const id = step?.run.idOf(call.callId);
    return id === undefined ? undefined : step?.gate?.pending(id);
  };

  return { wrapModel, tools, pendingApproval };
}
