export { ToolgraphError, PlanError, NonRetryableError } from './errors.js';
export type { ErrorCode, Issue, ToolgraphErrorOptions } from './errors.js';

export { CallSchema, PlanSchema, CallIdSchema, CALL_ID_PATTERN } from './plan/schema.js';
export type { Call, Plan, PlanInput } from './plan/schema.js';
export { compilePath, parseTemplate, parseRefObject, isRefObject, MAX_PATH_LENGTH, MAX_PATH_SEGMENTS } from './plan/reference.js';
export type { CompiledPath, PathSegment, Reference, ReferenceProblem, Selection, Template, ParseResult } from './plan/reference.js';
export { DEFAULT_PATH_LIMITS, PathFault } from './plan/reference.js';
export type { PathLimits, PathOptions } from './plan/reference.js';
export { compileArgs, MAX_ARGS_DEPTH } from './plan/compile-args.js';
export type { CompiledArgs, RefSite, ArgsProblem } from './plan/compile-args.js';
export { resolveArgs } from './plan/resolve-args.js';
export type { ResolveResult, ResultLookup } from './plan/resolve-args.js';
export { parseCall } from './plan/parse-call.js';
export type { ParsedCall, ParseCallResult } from './plan/parse-call.js';
export { formatLocation, appendLocation } from './plan/location.js';
export type { LocationSegment } from './plan/location.js';

export { validatePlan, parsePlan, summarizePlan, isCompiledPlan, DEFAULT_MAX_CALLS } from './graph/validate.js';
export type { ValidateOptions, ValidPlan, PlanValidation, PlanSummary } from './graph/validate.js';
export type { PlanLayout } from './graph/plan-layout.js';
export { analyzeDag } from './graph/analyze.js';
export type { DagAnalysis, TopologicalPass } from './graph/analyze.js';
export { topologicalOrder, findCycles } from './graph/dag.js';
export type { IndexDag } from './graph/dag.js';
export { buildGraph } from './graph/build-graph.js';
export type { EdgeLabel, NodeLabel, HazardEdge } from './graph/build-graph.js';
export { renderGraph } from './graph/render-graph.js';
export type { GraphFormat } from './graph/render-graph.js';

export { defineTool, normalizeTool, toolRegistry, resolveEffects } from './tools/define-tool.js';
export { validateWith, isStandardSchema } from './tools/tool-schema.js';
export type { ToolSchema, SchemaIssue, ValidationResult } from './tools/tool-schema.js';
export type { StandardSchemaV1 } from './tools/standard-schema.js';
export type { McpToolAnnotations } from './tools/tool-types.js';
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
export { WaitReasonSchema } from './schedule/events.js';
export type { WaitReason } from './schedule/events.js';
export type { CallRecord, RunResult } from './schedule/run-result.js';
export { LatencyEstimator } from './schedule/latency-estimator.js';
export type { LatencyEstimatorOptions, ToolLatency } from './schedule/latency-estimator.js';
export { systemClock, clockFromScheduler } from './schedule/clock.js';
export type { Clock } from './schedule/clock.js';
export { canonicalJson } from './schedule/canonical-json.js';
export { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS } from './schedule/run-engine.js';
export { HedgeBudget } from './schedule/policies/hedge.js';
export type { ApprovalDecision, ApprovalPolicy, ApprovalRequest } from './schedule/policies/approval.js';
export { dryRun } from './schedule/dry-run.js';
export type { DryRunOptions, DryRunResult, DryRunConflict } from './schedule/dry-run.js';
export { needsApproval } from './schedule/policies/approval.js';
export { DEFAULT_HEDGE_PERCENTILE, DEFAULT_HEDGE_MAX_EXTRA } from './schedule/policies/hedge.js';
export { backoffDelay } from './schedule/policies/retry.js';
export { generateSchemas, SCHEMA_BASE_URL } from './plan/json-schemas.js';
export type { SchemaFile } from './plan/json-schemas.js';

export { FORMAT_NAMES, isMalformedCall } from './formats/format-types.js';
export type {
  FormatName,
  FormatCall,
  FormatItem,
  MalformedCall,
  MalformedCallError,
  CallIdMap,
  ParsedResponse,
  ParseOptions,
  StreamParser,
  OutcomeStatus,
  CallOutcome,
  RenderOptions,
} from './formats/format-types.js';
export { parseOpenAIChat, createOpenAIChatStreamParser, renderOpenAIChatResults } from './formats/openai-chat.js';
export type { OpenAIToolMessage } from './formats/openai-chat.js';
export { parseOpenAIResponses, createOpenAIResponsesStreamParser, renderOpenAIResponsesResults } from './formats/openai-responses.js';
export type { OpenAIFunctionCallOutput } from './formats/openai-responses.js';
export { parseAnthropic, createAnthropicStreamParser, renderAnthropicResults } from './formats/anthropic.js';
export type { AnthropicToolResultBlock, AnthropicToolResultMessage } from './formats/anthropic.js';
export { parseGemini, createGeminiStreamParser, renderGeminiResults } from './formats/gemini.js';
export type { GeminiFunctionResponsePart, GeminiFunctionResponseContent, GeminiRenderOptions } from './formats/gemini.js';
export { parseLLMCompiler, createLLMCompilerStreamParser } from './formats/llmcompiler.js';
export type { LLMCompilerOptions } from './formats/llmcompiler.js';
export { parseNestful } from './formats/nestful.js';
export { parseSealTools, sealToolSpecs } from './formats/seal-tools.js';
export type { SealToolSpecs, SealToolsOptions } from './formats/seal-tools.js';
export { detectFormat, parseAny } from './formats/detect-format.js';
export type { Detection, DetectedFormat, InputShape, ParseAnyOptions } from './formats/detect-format.js';
export { streamItems } from './formats/stream-items.js';
export { collectCalls, createCallCollector } from './formats/collect-calls.js';
export type { NeutralCall, CallCollector } from './formats/collect-calls.js';
export { createSseDecoder } from './formats/sse.js';
export type { SseDecoder, SseDecoderOptions } from './formats/sse.js';
export { collectOutcomes, malformedOutcome, outcomeText, truncateText, DEFAULT_MAX_RESULT_CHARS } from './formats/render-outcome.js';
export type { OutcomeRecord, OutcomeText } from './formats/render-outcome.js';

export { rejoin } from './rejoin/rejoin.js';
export type { RejoinOptions, RejoinSnapshot, RejoinHandle } from './rejoin/rejoin.js';
export { shouldRejoin } from './rejoin/rejoin-policy.js';
export type { RejoinPolicy, RejoinState } from './rejoin/rejoin-policy.js';

export { runAgent } from './agent/run-agent.js';
export type { RunAgentOptions, AgentResult, AgentTurn, AgentEvent, ModelRequest } from './agent/run-agent.js';
export { openAIChatAdapter } from './agent/openai-chat-adapter.js';
export { anthropicAdapter } from './agent/anthropic-adapter.js';
export { openAIResponsesAdapter } from './agent/openai-responses-adapter.js';
export { geminiAdapter } from './agent/gemini-adapter.js';
export { lateResultsNote } from './agent/conversation-adapter.js';
export type { ConversationAdapter } from './agent/conversation-adapter.js';

export { createTraceRecorder } from './observe/trace-recorder.js';
export type { TraceRecorder, TraceRecorderOptions, AssistantMessageInput, RejoinInput, TurnToolCall } from './observe/trace-recorder.js';
export { toJsonl, parseTrace, parseTraceWithProblems, DEFAULT_MAX_TRACE_LINE_LENGTH, DEFAULT_MAX_TRACE_LINES } from './observe/trace-jsonl.js';
export type { ParseTraceOptions, ParsedTrace, TraceProblem } from './observe/trace-jsonl.js';
export { TraceEntrySchema, KnownTraceEntrySchema, isToolCallEntry, isToolResponseEntry } from './observe/trace-entry.js';
export type { TraceEntry, KnownTraceEntry, AssistantMessageEntry, ToolCallEntry, ToolResponseEntry, RejoinEntry, EventEntry, TraceLike } from './observe/trace-entry.js';
export { analyzeParallelization } from './observe/parallelization.js';
export type { ParallelizationStats } from './observe/parallelization.js';
export { countSequentialRounds } from './observe/sequential-rounds.js';
export { latencyAwareGrade, DEFAULT_EFFICIENCY_THRESHOLDS } from './observe/latency-aware-grade.js';
export type { LatencyAwareGrade, LatencyAwareGradeOptions, EfficiencyThreshold } from './observe/latency-aware-grade.js';
export { computeCallMetrics, DEFAULT_STRAGGLER_FACTOR } from './observe/call-metrics.js';
export type { CallTiming, CallMetrics, CallMetricsInput, Straggler, WastedCall, RejoinLatency } from './observe/call-metrics.js';
export { callTimingsFromEvents, callTimingsFromResult, callTimingsFromTrace } from './observe/call-timings.js';
export type { TraceCallTiming } from './observe/call-timings.js';
export { analyzeTrace } from './observe/analyze-trace.js';
export type { TraceAnalysis, AnalyzeTraceOptions } from './observe/analyze-trace.js';
export { estimate } from './observe/estimate.js';
export type { EstimateOptions, LatencyEstimate } from './observe/estimate.js';
export { renderTimeline } from './observe/timeline.js';
export type { TimelineRow, TimelineOptions } from './observe/timeline.js';
export { diagnoseRun } from './observe/diagnostics.js';
export type { Diagnostic, DiagnosticCode, DiagnoseInput, WaitFacts } from './observe/diagnostics.js';
export { buildReportModel, renderHtmlReport, chromeTrace } from './report/index.js';
export type { ReportModel, ReportCall, ReportExecution, ReportTurn, ReportWait, HtmlReportOptions, ChromeTrace, TraceEvent } from './report/index.js';
export { ProgressView, formatMs } from './cli/progress.js';
export type { ProgressOptions } from './cli/progress.js';
export { callDeps } from './plan/call-deps.js';

export { MemoryJournal, MemoryResultCache, journalOfCache } from './journal/memory-journal.js';
export { DEDUPES_BY_KEY } from './journal/journal-types.js';
export type { Journal, JournalRecord, ResultCache, RecordedOutcome, CallStart, UnknownOutcomeCall, UnknownOutcomePolicy, MaybePromise } from './journal/journal-types.js';
export { inputJsonSchemaOf, outputJsonSchemaOf } from './tools/tool-json-schema.js';
export type { JsonSchema } from './tools/tool-json-schema.js';
export { planTool, PLAN_TOOL_NAME } from './protocol/plan-tool.js';
export type { PlanToolOptions } from './protocol/plan-tool.js';
export { runPlanOutcome } from './protocol/run-plan-outcome.js';
export type { RunPlanOptions, PlanOutcome, PlanResult, PlanCallOutcome } from './protocol/run-plan-outcome.js';
export { planInputSchema } from './protocol/plan-schema.js';
export type { PlanSchemaOptions } from './protocol/plan-schema.js';
export { holdsPlanArgs, PLAN_ARGS } from './protocol/plan-args.js';
export { toolDeclarations } from './protocol/tool-declarations.js';
export type {
  DeclarationProvider,
  ToolDeclarationOptions,
  DeclarationsByProvider,
  OpenAIChatToolDeclaration,
  OpenAIResponsesToolDeclaration,
  AnthropicToolDeclaration,
  GeminiToolDeclaration,
  GeminiFunctionDeclaration,
  JsonSchemaToolDeclaration,
} from './protocol/tool-declarations.js';
export { admitPlaceholders, PLACEHOLDER_PATTERN } from './protocol/placeholder-schema.js';
export type { PlaceholderOptions } from './protocol/placeholder-schema.js';
export { strictSchema } from './protocol/strict-schema.js';
export { compactSchema } from './protocol/compact-schema.js';
export { protocolPrompt } from './protocol/protocol-prompt.js';
export type { ProtocolPromptOptions } from './protocol/protocol-prompt.js';
export { protocolExamples } from './protocol/protocol-examples.js';
export type { ProtocolStyle, ProtocolExample } from './protocol/protocol-examples.js';
export { parameterNames, signaturesOf, mapPositionalArgs } from './formats/positional-args.js';
export type { Signatures, MappedArgs } from './formats/positional-args.js';
export { RECALL_TOOL_NAME, DEFAULT_KEEP_RESULTS } from './agent/recall.js';
export { openJsonlJournal } from './journal/jsonl-journal.js';
export type { JsonlJournal, JsonlJournalOptions, JsonlJournalProblem } from './journal/jsonl-journal.js';
