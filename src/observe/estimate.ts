/**
 * Back-of-the-envelope latency: the same calls made one per model turn against the plan's DAG.
 */
import { PlanError, ToolgraphError } from '../errors.js';
import { analyzeDag } from '../graph/analyze.js';
import { isCompiledPlan, validatePlan, type ValidPlan } from '../graph/validate.js';

/** Options of {@link estimate}. */
export interface EstimateOptions {
  /** Tool latency in ms: one number for every tool, or per tool name (every tool of the plan must be listed). */
  readonly toolLatencyMs: number | Readonly<Record<string, number>>;
  /** One model turn (prefill + decode of one response) in ms. */
  readonly modelLatencyMs: number;
}

/** What {@link estimate} returns. All times in ms. */
export interface LatencyEstimate {
  /** Calls in the plan. */
  readonly calls: number;
  /** Dependency levels (waves) of the plan. */
  readonly levels: number;
  /** One call per turn: each call costs a model turn plus its tool, then one final answer turn. */
  readonly sequentialMs: number;
  /** Model turns in the sequential case (calls + 1). */
  readonly sequentialModelTurns: number;
  /** Wave by wave: one model turn per level plus the slowest tool of the level, then the final turn. */
  readonly dagLevelsMs: number;
  /** Model turns wave by wave (levels + 1). */
  readonly dagLevelsModelTurns: number;
  /** Dependency-driven dispatch of the whole plan (toolgraph): one planning turn, the tools' critical path, the final turn. */
  readonly dagCriticalPathMs: number;
  /** The tools' critical path alone. */
  readonly criticalPathToolMs: number;
  /** sequentialMs / dagLevelsMs. */
  readonly speedupLevels: number;
  /** sequentialMs / dagCriticalPathMs. */
  readonly speedupCriticalPath: number;
}

function checkMs(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ToolgraphError('INVALID_OPTION', `expected \`${name}\` to be a non-negative number of ms, got \`${String(v)}\``);
  return v;
}

/**
 * Estimates the latency of a plan's calls made one per model turn against the plan's DAG. The plan
 * is validated (a `PlanError` with every issue when invalid); a validated plan is used as is.
 * Throws `INVALID_OPTION` for a negative or missing latency.
 *
 * The textbook case — three independent calls, 800 ms model, 300 ms tools — gives 3 × (800 + 300)
 * + 800 = 4100 ms one per turn against 800 + 300 + 800 = 1900 ms.
 *
 * @example
 * estimate({ calls: [a, b, c] }, { toolLatencyMs: 300, modelLatencyMs: 800 })
 * // { sequentialMs: 4100, dagLevelsMs: 1900, dagCriticalPathMs: 1900, ... }
 */
export function estimate(plan: unknown, options: EstimateOptions): LatencyEstimate {
  const model = checkMs('modelLatencyMs', options.modelLatencyMs);
  let valid: ValidPlan;
  if (isCompiledPlan(plan)) valid = plan;
  else {
    const result = validatePlan(plan);
    if (result.plan === undefined) throw new PlanError(result.issues);
    valid = result.plan;
  }
  const tl = options.toolLatencyMs;
  const perTool = typeof tl === 'number' ? undefined : tl;
  const uniform = typeof tl === 'number' ? checkMs('toolLatencyMs', tl) : undefined;
  if (perTool !== undefined && (typeof perTool !== 'object' || perTool === null)) throw new ToolgraphError('INVALID_OPTION', 'expected `toolLatencyMs` to be a number or a record from tool name to ms');
  const latency = valid.calls.map((c) => {
    if (uniform !== undefined) return uniform;
    if (!Object.hasOwn(perTool as object, c.tool)) throw new ToolgraphError('INVALID_OPTION', `toolLatencyMs has no latency for tool "${c.tool}" (call "${c.id}")`, { callId: c.id });
    return checkMs(`toolLatencyMs[${JSON.stringify(c.tool)}]`, (perTool as Record<string, number>)[c.tool]);
  });
  const n = valid.calls.length;
  const analysis = analyzeDag(valid.dag, (i) => latency[i] as number);
  let toolSum = 0;
  for (const l of latency) toolSum += l;
  const slowestOfLevel = new Float64Array(analysis.depth);
  analysis.levels.forEach((level, i) => {
    if ((latency[i] as number) > (slowestOfLevel[level] as number)) slowestOfLevel[level] = latency[i] as number;
  });
  let levelTools = 0;
  for (const l of slowestOfLevel) levelTools += l;
  const sequentialMs = n * model + toolSum + model;
  const dagLevelsMs = analysis.depth * model + levelTools + model;
  const dagCriticalPathMs = n === 0 ? model : model + analysis.criticalPathLength + model;
  const ratio = (a: number, b: number): number => (b > 0 ? a / b : 1);
  return {
    calls: n,
    levels: analysis.depth,
    sequentialMs,
    sequentialModelTurns: n + 1,
    dagLevelsMs,
    dagLevelsModelTurns: analysis.depth + 1,
    dagCriticalPathMs,
    criticalPathToolMs: analysis.criticalPathLength,
    speedupLevels: ratio(sequentialMs, dagLevelsMs),
    speedupCriticalPath: ratio(sequentialMs, dagCriticalPathMs),
  };
}
