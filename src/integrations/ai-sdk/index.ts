/**
 * `toolgraph/ai-sdk`: toolgraph inside the Vercel AI SDK (`ai@^7`). A language-model middleware
 * starts a run per model step and pushes each `tool-call` part into it as it passes through
 * the stream (so a call may start, and a dependent call may finish, before the step's `finish`
 * part); the tools handed to `streamText` / `generateText` only await toolgraph's result for
 * their `toolCallId`.
 *
 * @example
 * const { middleware, tools } = toolgraphAISDK({ tools: [search, readFile] })
 * const result = streamText({ model: wrapLanguageModel({ model, middleware }), tools, prompt })
 */
import { jsonSchema, tool as aiTool } from 'ai';
import type { JSONSchema7, LanguageModelMiddleware, ToolSet } from 'ai';
import type { RunOptions } from '../../schedule/execute-options.js';
import { toolRegistry } from '../../tools/define-tool.js';
import type { ToolsInput } from '../../tools/tool-types.js';
import { StepRun } from '../shared/step-run.js';
import { declarationOf } from '../shared/tool-declarations.js';

export { ToolgraphCallError } from '../shared/step-run.js';

/** Options of {@link toolgraphAISDK}: the run options of every step, with its tools. */
export interface ToolgraphAISDKOptions extends Omit<RunOptions, 'tools' | 'runId'> {
  /** The toolgraph tools (`defineTool`) the model may call. */
  readonly tools: ToolsInput;
  /** The run id of a model step (0-based within this adapter). @default a random id per step */
  readonly runId?: (step: number) => string;
}

/** What {@link toolgraphAISDK} returns. */
export interface ToolgraphAISDK {
  /** Wrap the model with it: `wrapLanguageModel({ model, middleware })`. */
  readonly middleware: LanguageModelMiddleware;
  /** The AI SDK tools to pass as `tools` (placeholders admitted in typed fields). */
  readonly tools: ToolSet;
}

type StreamPart = { readonly type: string; readonly toolCallId?: string; readonly toolName?: string; readonly input?: string; readonly providerExecuted?: boolean };

function combineSignals(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return AbortSignal.any([a, b]);
}

/**
 * Middleware and tools for one request (call ids repeat across requests: create one per
 * request, it is cheap).
 *
 * @example
 * const { middleware, tools } = toolgraphAISDK({ tools: [getUser, getOrders], concurrency: 4 })
 * const { text } = await generateText({ model: wrapLanguageModel({ model, middleware }), tools, prompt, stopWhen: stepCountIs(5) })
 */
export function toolgraphAISDK(options: ToolgraphAISDKOptions): ToolgraphAISDK {
  const registry = toolRegistry(options.tools);
  const { runId, ...runOptions } = options;
  const stepOf = new Map<string, StepRun>();
  let steps = 0;

  const manages = (part: StreamPart): part is StreamPart & { toolCallId: string; toolName: string } =>
    part.type === 'tool-call' && part.providerExecuted !== true && typeof part.toolCallId === 'string' && typeof part.toolName === 'string' && registry.has(part.toolName);

  const startStep = (abortSignal: AbortSignal | undefined): StepRun => {
    const step = steps++;
    const signal = combineSignals(options.signal, abortSignal);
    return new StepRun({ ...runOptions, ...(runId === undefined ? {} : { runId: runId(step) }), ...(signal === undefined ? {} : { signal }) });
  };

  const take = (step: StepRun, part: StreamPart): void => {
    if (!manages(part)) return;
    step.add({ id: part.toolCallId, name: part.toolName, argsJson: part.input ?? '' });
    stepOf.set(part.toolCallId, step);
  };

  const middleware: LanguageModelMiddleware = {
    specificationVersion: 'v4',
    wrapGenerate: async ({ doGenerate, params }) => {
      const result = await doGenerate();
      const step = startStep(params.abortSignal);
      for (const part of result.content) take(step, part as StreamPart);
      step.end();
      return result;
    },
    wrapStream: async ({ doStream, params }) => {
      const result = await doStream();
      const step = startStep(params.abortSignal);
      type Part = typeof result.stream extends ReadableStream<infer P> ? P : never;
      const stream = result.stream.pipeThrough(
        new TransformStream<Part, Part>({
          transform(part, controller) {
            take(step, part as StreamPart);
            if ((part as StreamPart).type === 'finish') step.end();
            controller.enqueue(part);
          },
          flush() {
            step.end();
          },
        }),
      );
      return { ...result, stream };
    },
  };

  const tools: ToolSet = {};
  for (const t of registry.values()) {
    const declaration = declarationOf(t);
    const declared = aiTool({
      ...(declaration.description === '' ? {} : { description: declaration.description }),
      inputSchema: jsonSchema<Record<string, unknown>>(declaration.inputSchema as JSONSchema7),
      execute: async (_input: Record<string, unknown>, { toolCallId }: { toolCallId: string }) => {
        const step = stepOf.get(toolCallId);
        if (step === undefined) {
          throw new Error(`toolgraph: the call ${JSON.stringify(toolCallId)} of ${t.name} did not pass through toolgraph's middleware; wrap the model with wrapLanguageModel({ model, middleware })`);
        }
        return step.result(toolCallId);
      },
    });
    Object.defineProperty(tools, t.name, { value: declared, enumerable: true, writable: true, configurable: true });
  }
  return { middleware, tools };
}
