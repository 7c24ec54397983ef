/**
 * What a tool is: a name, an input schema, what it does to the world (effects, resources),
 * its limits, and `execute`.
 */
import type { StandardSchemaV1 } from './standard-schema.js';
import type { JsonSchema, ToolSchema } from './tool-schema.js';

/**
 * What a tool does to the world, with the meaning and defaults of MCP's tool annotations.
 * A tool that says nothing is a destructive, non-idempotent write to an open world.
 */
export interface ToolEffects {
  /** The tool changes nothing. @default false */
  readonly readOnly?: boolean;
  /** Running it twice with the same args has the effect of running it once. @default false */
  readonly idempotent?: boolean;
  /** A write may destroy or overwrite data (meaningless for read-only tools). @default true */
  readonly destructive?: boolean;
  /** The tool talks to the outside world. @default true */
  readonly openWorld?: boolean;
}

/** Effects with every default applied. */
export interface ResolvedEffects {
  readonly readOnly: boolean;
  readonly idempotent: boolean;
  readonly destructive: boolean;
  readonly openWorld: boolean;
}

/** What `execute` receives besides its arguments. */
export interface ToolContext {
  /** Aborted on timeout, cancellation, or when a hedged copy won. */
  readonly signal: AbortSignal;
  /** The call's id in the plan. */
  readonly callId: string;
  /** The run's id. */
  readonly runId: string;
  /** 1 for the first attempt, 2 for the first retry, and so on. */
  readonly attempt: number;
  /** Hash of run id, call id and canonical args: the same across retries and re-runs with the same run id. */
  readonly idempotencyKey: string;
}

/** A per-tool rate limit: at most `limit` starts in any `intervalMs` window. */
export interface RateLimit {
  /** Starts allowed per window. */
  readonly limit: number;
  /** Window length in milliseconds. */
  readonly intervalMs: number;
}

/** Retry with exponential backoff; only for read-only or idempotent tools. */
export interface RetryOptions {
  /** Attempts in total, the first included. @default 3 */
  readonly maxAttempts?: number;
  /** Delay before the first retry. @default 100 */
  readonly initialMs?: number;
  /** Growth of the delay per retry. @default 2 */
  readonly factor?: number;
  /** Longest delay. @default 5000 */
  readonly maxMs?: number;
  /** Random spread of each delay, 0 to 1 (full jitter at 1). @default 0.2 */
  readonly jitter?: number;
  /** Error codes (`error.code`) that are never retried. @default [] */
  readonly nonRetryableCodes?: readonly string[];
}

/** Hedging: start one copy of a slow call; first success wins. Read-only and idempotent tools only. */
export interface HedgeOptions {
  /** Start the copy after this many ms. Overrides `percentile`. */
  readonly afterMs?: number;
  /** Start the copy when the call runs longer than this percentile of the tool's observed durations. @default 95 */
  readonly percentile?: number;
  /** Budget: copies are at most this fraction of the run's calls. @default 0.05 */
  readonly maxExtra?: number;
  /** Observed durations needed before `percentile` applies (until then, no hedging). @default 20 */
  readonly minSamples?: number;
}

/** Where a placeholder in an argument may take its value from (injection guard). */
export type RefPolicy = 'literal' | 'any' | readonly string[];

/** What `execute` may return: a value, a promise, or partial results then the result. */
export type ToolReturn<O> = O | Promise<O> | AsyncIterable<O>;

/**
 * A tool definition as written by a user. Only `name` and `execute` are required.
 *
 * @example
 * const search = defineTool({
 *   name: 'search_docs',
 *   input: z.object({ query: z.string() }),
 *   effects: { readOnly: true, idempotent: true },
 *   execute: async ({ query }, { signal }) => searchIndex(query, { signal }),
 * })
 */
export interface ToolDefinition<I = Record<string, unknown>, O = unknown> {
  /** Name the model calls it by. */
  readonly name: string;
  /** One-line description for the model. */
  readonly description?: string;
  /**
   * Schema of the arguments: any Standard Schema (zod 3.24+, zod 4, valibot, arktype) or a plain
   * JSON Schema object. Arguments that fail it end the call `INVALID_ARGS`. @default any object
   */
  readonly input?: ToolSchema<I>;
  /** Schema of the result (same kinds as `input`); a result that fails it ends the call `INVALID_OUTPUT`. */
  readonly output?: ToolSchema<O>;
  /** MCP-shaped: a human-readable title (kept, not used for scheduling). */
  readonly title?: string;
  /** MCP-shaped: the arguments' JSON Schema, as MCP's `tools/list` gives it. Use instead of `input`. */
  readonly inputSchema?: JsonSchema;
  /** MCP-shaped: the structured result's JSON Schema. Use instead of `output`. */
  readonly outputSchema?: JsonSchema;
  /** MCP-shaped: MCP's tool annotations, mapped to `effects`. Use instead of `effects`. */
  readonly annotations?: McpToolAnnotations;
  /** Runs the tool. */
  execute(args: I, ctx: ToolContext): ToolReturn<O>;
  /** What it does to the world. @default a destructive, non-idempotent write */
  readonly effects?: ToolEffects;
  /** Resources a call touches, e.g. `file:src/a.ts`. @default writes: [`tool:<name>`]; reads: [] */
  readonly resources?: (args: I) => readonly string[];
  /** Calls of this tool running at once. @default unlimited */
  readonly concurrency?: number;
  /** Starts per time window. @default none */
  readonly rateLimit?: RateLimit;
  /** Per-call timeout in ms. @default the run's `timeoutMs` */
  readonly timeoutMs?: number;
  /** Retry policy (read-only or idempotent tools only). @default no retries */
  readonly retry?: RetryOptions;
  /** Hedging policy (read-only and idempotent tools only). @default no hedging */
  readonly hedge?: HedgeOptions;
  /** Per-argument provenance: where placeholders in each argument may come from. @default 'any' */
  readonly refs?: Readonly<Record<string, RefPolicy>>;
  /** Most calls of this tool in one plan. @default unlimited */
  readonly maxCallsPerRun?: number;
  /** Prior latency estimate in ms, used for priorities until durations are observed. @default 1 */
  readonly latencyMs?: number;
}

/** MCP's tool annotations (hints), as a server declares them in `tools/list`. */
export interface McpToolAnnotations {
  /** A human-readable title. */
  readonly title?: string;
  /** Maps to `effects.readOnly`. */
  readonly readOnlyHint?: boolean;
  /** Maps to `effects.destructive`. */
  readonly destructiveHint?: boolean;
  /** Maps to `effects.idempotent`. */
  readonly idempotentHint?: boolean;
  /** Maps to `effects.openWorld`. */
  readonly openWorldHint?: boolean;
}

/** A normalized tool, as the scheduler uses it. Create with `defineTool` or `normalizeTool`. */
export interface Tool<I = Record<string, unknown>, O = unknown> extends ToolDefinition<I, O> {
  /** The arguments' schema, as one Standard Schema (a JSON Schema given by the user is compiled into one). */
  readonly input?: StandardSchemaV1<unknown, I>;
  /** The result's schema, as one Standard Schema. */
  readonly output?: StandardSchemaV1<unknown, O>;
  /** The arguments' JSON Schema when the tool was given one (`input` as JSON Schema, or MCP's `inputSchema`). */
  readonly inputJsonSchema?: JsonSchema;
  /** The result's JSON Schema when the tool was given one (`output` as JSON Schema, or MCP's `outputSchema`). */
  readonly outputJsonSchema?: JsonSchema;
  /** Effects with defaults applied. */
  readonly resolvedEffects: ResolvedEffects;
  /** Marks a normalized tool. */
  readonly __toolgraph: true;
}

/** Anything accepted where a tool is: a normalized tool or a plain definition object. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ToolLike = ToolDefinition<any, any> | Tool<any, any>;

/** Tools as a list or a record from name to tool. */
export type ToolsInput = readonly ToolLike[] | Readonly<Record<string, ToolLike>> | ReadonlyMap<string, ToolLike>;
