/**
 * Runs a model-written plan and reports every call's outcome in one result a model can read:
 * structured (for MCP's `structuredContent` or a JSON tool result) and as text (the same
 * texts the provider renderers send). The plan is checked first: a plan with problems runs
 * nothing and comes back with every problem, so the model fixes it before any side effect.
 */
import { ToolgraphError, type Issue } from '../errors.js';
import { outcomeText, resultText, DEFAULT_MAX_RESULT_CHARS } from '../formats/render-outcome.js';
import type { CallOutcome } from '../formats/format-types.js';
import { validatePlan } from '../graph/validate.js';
import { run } from '../schedule/scheduler.js';
import type { RunOptions } from '../schedule/execute-options.js';
import type { CallStatus } from '../schedule/events.js';

/** Options of {@link runPlanOutcome}: the run's options plus how the outcome is written. */
export interface RunPlanOptions extends RunOptions {
  /** Check the whole plan before running and run nothing when it has problems. @default true */
  readonly validateFirst?: boolean;
  /** Longest result text per call, in characters. @default 16384 */
  readonly maxResultChars?: number;
}

/** One call's outcome in a plan's result. */
export interface PlanCallOutcome {
  /** The call's id. */
  readonly id: string;
  /** The tool's name. */
  readonly tool: string;
  /** How it ended. */
  readonly status: CallStatus;
  /** The result, for succeeded calls (as text when its JSON is over `maxResultChars`). */
  readonly result?: unknown;
  /** For calls that did not succeed: the model-actionable text (same as the provider renderers'). */
  readonly error?: string;
}

/** The structured result of a plan. */
export interface PlanResult {
  /** True when every call succeeded. */
  readonly ok: boolean;
  /** Each call's outcome, in plan order. */
  readonly calls: readonly PlanCallOutcome[];
  /** Problems that stopped the plan before anything ran (each with its location). */
  readonly problems?: readonly string[];
}

/** A plan's result, structured and as text. */
export interface PlanOutcome {
  /** The structured result. */
  readonly result: PlanResult;
  /** The same as text, one call per line. */
  readonly text: string;
  /** True when the plan was refused or a call did not succeed. */
  readonly isError: boolean;
}

function problemText(issue: Issue): string {
  return issue.message;
}

function refused(problems: readonly string[]): PlanOutcome {
  const text = `Error (INVALID_PLAN): the plan was not run; nothing happened. Fix these problems and send the whole plan again:\n${problems.map((p) => `- ${p}`).join('\n')}`;
  return { result: { ok: false, calls: [], problems }, text, isError: true };
}

/**
 * The plan with `after: null` removed from its calls: OpenAI's strict mode makes every optional
 * field required and nullable, so a model sends `"after": null` for "no after".
 */
function withoutNullAfter(plan: unknown): unknown {
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan)) return plan;
  const calls = (plan as Record<string, unknown>)['calls'];
  if (!Array.isArray(calls) || !calls.some((c) => typeof c === 'object' && c !== null && Object.hasOwn(c, 'after') && (c as Record<string, unknown>)['after'] === null)) return plan;
  const cleaned = calls.map((c: unknown) => {
    if (typeof c !== 'object' || c === null || (c as Record<string, unknown>)['after'] !== null) return c;
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c)) if (k !== 'after') Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
    return copy;
  });
  return { ...(plan as Record<string, unknown>), calls: cleaned };
}

function boundedResult(result: unknown, max: number): unknown {
  const text = resultText(result);
  return text.length <= max ? result : outcomeText({ id: '', tool: '', status: 'succeeded', result }, { maxResultChars: max }).text;
}

/**
 * Runs the plan with the options given and returns every call's outcome.
 *
 * @example
 * const outcome = await runPlanOutcome({ calls: [
 *   { id: 'w', tool: 'get_weather', args: { city: 'Paris' } },
 *   { id: 'n', tool: 'notify', args: { text: 'It is ${w.temperature} degrees' } },
 * ] }, { tools })
 * outcome.text   // 'w (get_weather) succeeded: {"temperature":21}\nn (notify) succeeded: sent'
 */
export async function runPlanOutcome(input: unknown, options: RunPlanOptions): Promise<PlanOutcome> {
  const plan = withoutNullAfter(input);
  const max = options.maxResultChars ?? DEFAULT_MAX_RESULT_CHARS;
  if (options.validateFirst !== false) {
    const validation = validatePlan(plan, { tools: options.tools, ...(options.maxCalls === undefined ? {} : { maxCalls: options.maxCalls }) });
    if (!validation.valid) return refused(validation.issues.map(problemText));
  }
  let runResult;
  try {
    runResult = await run(plan, options);
  } catch (error) {
    if (ToolgraphError.isInstance(error)) {
      const issues = (error as { issues?: readonly Issue[] }).issues;
      return refused(issues !== undefined && issues.length > 0 ? issues.map(problemText) : [error.message]);
    }
    throw error;
  }
  const calls: PlanCallOutcome[] = [];
  const lines: string[] = [];
  let ok = true;
  for (const id of runResult.order) {
    const record = runResult.calls[id];
    if (record === undefined) continue;
    const outcome: CallOutcome = {
      id,
      tool: record.tool,
      status: record.status,
      ...(record.status === 'succeeded' ? { result: record.result } : {}),
      ...(record.error === undefined ? {} : { error: { code: record.error.code, message: record.error.message } }),
    };
    const { text, isError } = outcomeText(outcome, { maxResultChars: max });
    if (isError || record.status !== 'succeeded') ok = false;
    calls.push(
      record.status === 'succeeded'
        ? { id, tool: record.tool, status: record.status, result: boundedResult(record.result, max) }
        : { id, tool: record.tool, status: record.status, error: text },
    );
    lines.push(`${id} (${record.tool}) ${record.status}: ${text}`);
  }
  return { result: { ok, calls }, text: lines.join('\n'), isError: !ok };
}
