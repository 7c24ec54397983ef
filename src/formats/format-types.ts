/**
 * Types shared by every wire format: what a parser returns (calls, malformed calls, text),
 * what a streamed parser looks like, and what result rendering takes.
 */
import type { ErrorCode } from '../errors.js';
import type { Call } from '../plan/schema.js';

/** The formats toolgraph reads: the wire formats, and `plan` (a canonical toolgraph plan). */
export type FormatName = 'plan' | 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini' | 'llmcompiler' | 'nestful' | 'seal-tools';

/** Every {@link FormatName}. */
export const FORMAT_NAMES: readonly FormatName[] = ['plan', 'openai-chat', 'openai-responses', 'anthropic', 'gemini', 'llmcompiler', 'nestful', 'seal-tools'];

/**
 * A canonical call read from a model response. Exactly the shape of a plan {@link Call}
 * (so it can be handed to the scheduler as it is); the provider's original id is kept in
 * the parser's {@link CallIdMap}.
 */
export type FormatCall = Call;

/** Why a call could not be read. */
export interface MalformedCallError {
  /** Always `MALFORMED_CALL`. */
  readonly code: Extract<ErrorCode, 'MALFORMED_CALL'>;
  /** What is wrong, in words a model can act on. */
  readonly message: string;
  /** Where in the response, e.g. `choices[0].message.tool_calls[2].function.arguments`. */
  readonly location: string;
}

/**
 * A call the format layer could not read (arguments not JSON, missing name, duplicate id,
 * arguments not an object, over the size limit). Never dropped: handed to the scheduler it
 * ends `failed` with this error, and the model is told. Has no `args` key on purpose (that is
 * how the scheduler tells it from a call).
 */
export interface MalformedCall {
  /** A safe toolgraph id (the provider's id when it was usable, else a mapped or generated one). */
  readonly id: string;
  /** The tool's name, when the response gave one. */
  readonly tool?: string;
  /** Why the call could not be read. */
  readonly error: MalformedCallError;
  /** The offending text or value, clipped to a few KiB, for logs. */
  readonly raw: unknown;
}

/** One item a parser yields, in response order: a call or a malformed call. */
export type FormatItem = FormatCall | MalformedCall;

/** True when an item is a {@link MalformedCall}. */
export function isMalformedCall(item: FormatItem): item is MalformedCall {
  return !Object.hasOwn(item, 'args') && Object.hasOwn(item, 'error');
}

/** Read-only view of the mapping between toolgraph ids and the provider's ids. */
export interface CallIdMap {
  /** The provider's id of a toolgraph id (the id itself when it was not mapped). */
  providerId(id: string): string;
  /** Every toolgraph id → provider id pair, in assignment order. */
  entries(): IterableIterator<[string, string]>;
  /** True when the response gave the call no id and toolgraph generated one. */
  isGenerated(id: string): boolean;
}

/** The outcome of parsing a whole response. */
export interface ParsedResponse {
  /** The format that was read. */
  readonly format: FormatName;
  /** The calls that could be read, in response order. */
  readonly calls: readonly FormatCall[];
  /** The calls that could not be read, in response order. */
  readonly problems: readonly MalformedCall[];
  /** Calls and problems together, in response order (render results in this order). */
  readonly items: readonly FormatItem[];
  /** Toolgraph id ↔ provider id. */
  readonly ids: CallIdMap;
  /** Assistant text that came with the calls (LLMCompiler: `Thought:` lines), if any. */
  readonly text?: string;
  /** Why the model stopped (`finish_reason`, `stop_reason`, `finishReason`), when given. */
  readonly stopReason?: string;
}

/** Options every parser takes. */
export interface ParseOptions {
  /**
   * Most characters of one call's arguments (streamed buffers included). A call over it
   * becomes a {@link MalformedCall}.
   * @default 1048576
   */
  readonly maxArgsChars?: number;
  /**
   * Most characters of assistant text kept.
   * @default 1048576
   */
  readonly maxTextChars?: number;
  /**
   * Most calls read from one response; further calls become malformed calls.
   * @default 1024
   */
  readonly maxCalls?: number;
}

/**
 * A stateful incremental parser of one streamed response.
 *
 * @example
 * const parser = createOpenAIChatStreamParser()
 * for await (const chunk of stream) for (const item of parser.push(chunk)) dispatch(item)
 * for (const item of parser.end()) dispatch(item)
 */
export interface StreamParser<Chunk> {
  /** Reads one chunk; returns the calls (and malformed calls) that became complete with it. */
  push(chunk: Chunk): FormatItem[];
  /** Ends the stream; returns what was still open (incomplete calls come back malformed). */
  end(): FormatItem[];
  /** Toolgraph id ↔ provider id, for rendering results back. */
  readonly ids: CallIdMap;
  /** Everything seen so far as a {@link ParsedResponse}. */
  result(): ParsedResponse;
}

/** Terminal (or in-flight) state of a call, as rendering sees it. */
export type OutcomeStatus = 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'rejected' | 'running';

/** One call's outcome, to render back to the model. */
export interface CallOutcome {
  /** The provider's call id (see {@link CallIdMap.providerId}). */
  readonly id: string;
  /** True when the provider gave no id and `id` was generated (Gemini then omits `id`). */
  readonly idGenerated?: boolean;
  /** The tool's name. */
  readonly tool: string;
  /** What happened. `running`: still in flight at an early rejoin. */
  readonly status: OutcomeStatus;
  /** The result, for `succeeded`. */
  readonly result?: unknown;
  /** Why it did not succeed. */
  readonly error?: { readonly code: string; readonly message: string };
}

/** Options of every result renderer. */
export interface RenderOptions {
  /**
   * Longest text of one result, in characters; longer results are cut with a marker saying
   * how much was cut.
   * @default 16384
   */
  readonly maxResultChars?: number;
}
