export { ToolgraphError, PlanError, NonRetryableError } from './errors.js';
export type { ErrorCode, Issue, ToolgraphErrorOptions } from './errors.js';

export { CallSchema, PlanSchema, CallIdSchema, CALL_ID_PATTERN } from './plan/schema.js';
export type { Call, Plan, PlanInput } from './plan/schema.js';
export { compilePath, parseTemplate, parseRefObject, isRefObject, MAX_PATH_LENGTH, MAX_PATH_SEGMENTS } from './plan/reference.js';
export type { CompiledPath, PathSegment, Reference, ReferenceProblem, Selection, Template, ParseResult } from './plan/reference.js';
export { compileArgs, MAX_ARGS_DEPTH } from './plan/compile-args.js';
export type { CompiledArgs, RefSite, ArgsProblem } from './plan/compile-args.js';
export { resolveArgs } from './plan/resolve-args.js';
export type { ResolveResult, ResultLookup } from './plan/resolve-args.js';
export { parseCall } from './plan/parse-call.js';
export type { ParsedCall, ParseCallResult } from './plan/parse-call.js';
export { formatLocation, appendLocation } from './plan/location.js';
export type { LocationSegment } from './plan/location.js';

export { validatePlan, parsePlan, summarizePlan, DEFAULT_MAX_CALLS } from './graph/validate.js';
export type { ValidateOptions, ValidPlan, PlanValidation, PlanSummary } from './graph/validate.js';
export { analyzeDag } from './graph/analyze.js';
export type { DagAnalysis } from './graph/analyze.js';
export { topologicalOrder, findCycles } from './graph/dag.js';
export type { IndexDag } from './graph/dag.js';
export { buildGraph } from './graph/build-graph.js';
export type { EdgeLabel, NodeLabel, HazardEdge } from './graph/build-graph.js';
export { renderGraph } from './graph/render-graph.js';
export type { GraphFormat } from './graph/render-graph.js';

export { defineTool, normalizeTool, toolRegistry, resolveEffects } from './tools/define-tool.js';
export type {
  Tool,
  ToolDefinition,
  ToolLike,
  ToolsInput,
  ToolContext,
  ToolEffects,
  ResolvedEffects,
  RateLimit,
  RetryOptions,
  HedgeOptions,
  RefPolicy,
  ToolReturn,
} from './tools/tool-types.js';

export { runCli } from './cli/run-cli.js';

export { execute, run } from './schedule/scheduler.js';
export type { PlanSource } from './schedule/scheduler.js';
export type { ExecuteOptions, RunOptions } from './schedule/execute-options.js';
export { RunEventSchema, SerializedErrorSchema, CallStatusSchema, RunMetricsSchema, isTerminalEvent } from './schedule/events.js';
export type { RunEvent, RunEventType, TerminalEvent, SerializedError, CallStatus, RunMetrics } from './schedule/events.js';
export type { CallRecord, RunResult } from './schedule/run-result.js';
export { LatencyEstimator } from './schedule/latency-estimator.js';
export type { LatencyEstimatorOptions } from './schedule/latency-estimator.js';
export { systemClock, clockFromScheduler } from './schedule/clock.js';
export type { Clock } from './schedule/clock.js';
export { canonicalJson } from './schedule/canonical-json.js';
export { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS } from './schedule/run-engine.js';
export { HedgeBudget } from './schedule/policies/hedge.js';
export type { ApprovalDecision, ApprovalPolicy, ApprovalRequest } from './schedule/policies/approval.js';
