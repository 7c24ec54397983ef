/**
 * `planTool(tools)`: one tool, `run_plan`, whose input is a whole plan over the given tools.
 * The model sends every call at once with its own ids and `${id.path}` references; the plan
 * runs as a DAG and every outcome comes back in one result. It works with any provider's plain
 * function calling, including those whose call ids the model cannot know in advance.
 */
import { z } from 'zod';
import { ToolgraphError } from '../errors.js';
import { toolRegistry } from '../tools/define-tool.js';
import { defineTool } from '../tools/define-tool.js';
import type { JsonSchema } from '../tools/tool-json-schema.js';
import type { Tool, ToolDefinition, ToolEffects, ToolsInput } from '../tools/tool-types.js';
import { markPlanArgs } from './plan-args.js';
import { planInputSchema, type PlanSchemaOptions } from './plan-schema.js';
import { runPlanOutcome, type PlanResult, type RunPlanOptions } from './run-plan-outcome.js';

/** The name of the tool {@link planTool} makes. */
export const PLAN_TOOL_NAME = 'run_plan';

/** Options of {@link planTool}: how the inner plan runs and how the tool is described. */
export interface PlanToolOptions extends Omit<RunPlanOptions, 'tools' | 'signal'>, PlanSchemaOptions {
  /** The tool's name. @default 'run_plan' */
  readonly name?: string;
  /** The tool's description. @default a sentence naming the tools */
  readonly description?: string;
  /** Timeout of the whole plan, in ms. @default 300000 */
  readonly planTimeoutMs?: number;
}

/** The zod form of the input (checked again, in full, by plan validation). */
const PlanArgs = z.object({ calls: z.array(z.record(z.string(), z.unknown())) }).strict();

/** The effects of running any plan over the tools: read-only only when all are, and so on. */
function combinedEffects(tools: readonly Tool[]): ToolEffects {
  const all = tools.map((t) => t.resolvedEffects);
  const readOnly = all.every((e) => e.readOnly);
  return {
    readOnly,
    idempotent: all.every((e) => e.idempotent || e.readOnly),
    destructive: all.some((e) => e.destructive),
    openWorld: all.some((e) => e.openWorld),
  };
}

function defaultDescription(names: readonly string[]): string {
  return (
    `Run several tool calls as one plan. Tools: ${names.join(', ')}. Give each call an id; ` +
    'an argument "${id.path}" is replaced by that part of call id\'s result (a whole-string placeholder keeps the value\'s type), ' +
    'so dependent calls wait for their inputs and independent calls run at once. Returns every call\'s outcome.'
  );
}

/**
 * A `run_plan` tool over the given tools. Its input is `{ calls: [{ id, tool, args, after? }] }`
 * (tool names as an enum, each tool's argument schema per call branch, placeholders admitted);
 * it returns `{ ok, calls: [{ id, tool, status, result? , error? }] }` with the same error texts
 * the provider renderers send. Add it to a run's tools, declare it with `toolDeclarations`, or
 * serve it over MCP.
 *
 * @example
 * const runPlan = planTool([getWeather, notify], { concurrency: 4 })
 * const tools = toolDeclarations([runPlan], { provider: 'openai-chat' })
 * // the model answers with one run_plan call; run it like any call:
 * const result = await run(parseOpenAIChat(response).items, { tools: [runPlan] })
 */
export function planTool(tools: ToolsInput, options: PlanToolOptions = {}): Tool<{ calls: Record<string, unknown>[] }, PlanResult> {
  const registry = toolRegistry(tools);
  const list = [...registry.values()];
  const name = options.name ?? PLAN_TOOL_NAME;
  if (registry.has(name)) {
    throw new ToolgraphError('INVALID_OPTION', `planTool: a tool is already named "${name}"; pass another name`, { details: { tool: name } });
  }
  const { name: _name, description, planTimeoutMs, perToolArgs, placeholders, ...runOptions } = options;
  const inputJsonSchema: JsonSchema = planInputSchema(list, {
    ...(perToolArgs === undefined ? {} : { perToolArgs }),
    ...(placeholders === undefined ? {} : { placeholders }),
  });
  const definition: ToolDefinition<{ calls: Record<string, unknown>[] }, PlanResult> & { readonly inputJsonSchema: JsonSchema } = {
    name,
    description: description ?? defaultDescription(list.map((t) => t.name)),
    input: PlanArgs as unknown as z.ZodType<{ calls: Record<string, unknown>[] }>,
    inputJsonSchema,
    effects: combinedEffects(list),
    timeoutMs: planTimeoutMs ?? 300_000,
    // The plan's own placeholders are for the plan, not for the run that calls run_plan.
    refs: { calls: 'literal' },
    execute: async (args, ctx) => (await runPlanOutcome(args, { ...runOptions, tools: registry, signal: ctx.signal })).result,
  };
  return defineTool(markPlanArgs(definition));
}
