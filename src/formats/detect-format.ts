/**
 * Format detection for `--format auto`, and `parseAny()`: any supported input (JSON text,
 * JSONL or SSE of streamed chunks, LLMCompiler text, or an already parsed value) → calls.
 */
import { ToolgraphError } from '../errors.js';
import { createAnthropicStreamParser, parseAnthropic } from './anthropic.js';
import type { FormatItem, FormatName, ParseOptions, ParsedResponse, StreamParser } from './format-types.js';
import { createGeminiStreamParser, parseGemini } from './gemini.js';
import { parseLLMCompiler, type LLMCompilerOptions } from './llmcompiler.js';
import { parseNestful } from './nestful.js';
import { createOpenAIChatStreamParser, parseOpenAIChat } from './openai-chat.js';
import { createOpenAIResponsesStreamParser, parseOpenAIResponses } from './openai-responses.js';
import { ResponseBuilder } from './response-builder.js';
import { parseSealTools, type SealToolSpecs } from './seal-tools.js';
import { createSseDecoder } from './sse.js';
import { own, ownArray } from './stream-items.js';
import { addSteps } from '../plan/work-steps.js';

/** What detection can find: a wire format, or a canonical toolgraph plan (`plan`). */
export type DetectedFormat = FormatName;

/** Whether the input is a whole response or a recorded stream of chunks/events. */
export type InputShape = 'whole' | 'stream';

/** The outcome of {@link detectFormat}. */
export interface Detection {
  /** The format found. */
  readonly format: DetectedFormat;
  /** Whole response, or an array of streamed chunks/events. */
  readonly shape: InputShape;
}

const LOOKED_FOR = [
  'canonical plan: {"calls":[{id,tool,args}]} or an array of such calls',
  'openai-chat: {"choices":[{"message":{"tool_calls":[...]}}]} or chunks with choices[0].delta',
  'openai-responses: {"output":[{"type":"function_call",...}]} or "response.*" events',
  'anthropic: {"content":[{"type":"tool_use",...}]} or message_start/content_block_* events',
  'gemini: {"candidates":[{"content":{"parts":[{"functionCall":...}]}}]} (or a list of such chunks)',
  'nestful: {"output":[{"name","arguments","label"}]}',
  'seal-tools: {"calling":[{"api","parameters","responses"}]}',
  'llmcompiler: text lines "1. tool(args)"',
];

/** A task line, tried on one line at a time (anchored; blanks never span lines). */
const TASK_LINE_START = /^[ \t]*(?:Step[ \t]+)?\d{1,7}[ \t]*[.:)][ \t]*[A-Za-z_][A-Za-z0-9_.-]*[ \t]*\(/;

/**
 * True when some line of `text` is an LLMCompiler task line. Linear in the text: each line is
 * tried once from its start (a multiline regex with `\s*` at each line start was quadratic on
 * runs of blank lines).
 */
function hasTaskLine(text: string): boolean {
  let from = 0;
  let steps = 0;
  try {
    while (from <= text.length) {
      let nl = text.indexOf('\n', from);
      if (nl === -1) nl = text.length;
      steps += nl - from + 1;
      // Only the line's first characters can matter: a task line starts within its first 1024 (indentation and a 256-character tool name fit).
      if (TASK_LINE_START.test(text.slice(from, Math.min(nl, from + 1024)).replace(/\r$/, ''))) return true;
      from = nl + 1;
    }
    return false;
  } finally {
    addSteps(steps);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function wholeMatches(value: unknown): FormatName[] | 'plan' {
  if (Array.isArray(value)) {
    const first = value[0];
    if (isObject(first) && Object.hasOwn(first, 'id') && Object.hasOwn(first, 'tool')) return 'plan';
    if (isObject(first) && Object.hasOwn(first, 'api') && Object.hasOwn(first, 'parameters')) return ['seal-tools'];
    if (isObject(first) && Object.hasOwn(first, 'name') && Object.hasOwn(first, 'arguments') && !Object.hasOwn(first, 'type')) return ['nestful'];
    if (isObject(first) && typeof first['type'] === 'string' && Object.hasOwn(first, 'call_id')) return ['openai-responses'];
    return [];
  }
  if (!isObject(value)) return [];
  if (Array.isArray(value['calls'])) return 'plan';
  const found: FormatName[] = [];
  const choice = ownArray(value, 'choices')[0];
  if (isObject(choice) && (Object.hasOwn(choice, 'message') || Object.hasOwn(choice, 'delta'))) found.push('openai-chat');
  else if (Array.isArray(value['tool_calls'])) found.push('openai-chat');
  const output = ownArray(value, 'output');
  if (value['object'] === 'response' || output.some((o) => isObject(o) && typeof o['type'] === 'string')) found.push('openai-responses');
  if (output.some((o) => isObject(o) && Object.hasOwn(o, 'name') && Object.hasOwn(o, 'arguments') && !Object.hasOwn(o, 'type'))) found.push('nestful');
  const content = ownArray(value, 'content');
  if ((value['type'] === 'message' || value['role'] === 'assistant') && content.some((b) => isObject(b) && typeof b['type'] === 'string')) found.push('anthropic');
  if (Array.isArray(value['candidates']) || (isObject(value['content']) && Array.isArray(own(value['content'], 'parts')))) found.push('gemini');
  if (Array.isArray(value['calling'])) found.push('seal-tools');
  return found;
}

function streamMatches(chunks: readonly unknown[]): FormatName[] {
  const found = new Set<FormatName>();
  for (const c of chunks.slice(0, 8)) {
    if (!isObject(c)) continue;
    const type = c['type'];
    if (c['object'] === 'chat.completion.chunk' || isObject(ownArray(c, 'choices')[0]) && Object.hasOwn(ownArray(c, 'choices')[0] as object, 'delta')) found.add('openai-chat');
    if (typeof type === 'string' && type.startsWith('response.')) found.add('openai-responses');
    if (typeof type === 'string' && /^(message_start|message_delta|message_stop|content_block_(start|delta|stop)|ping)$/.test(type)) found.add('anthropic');
    if (Array.isArray(c['candidates'])) found.add('gemini');
  }
  return [...found];
}

/**
 * Detects the format of a parsed value: a whole response, or an array of streamed chunks.
 * Throws `UNKNOWN_FORMAT` (listing what it looked for) or `AMBIGUOUS_FORMAT`.
 *
 * @example
 * detectFormat({ choices: [{ message: { tool_calls: [] } }] }) // { format: 'openai-chat', shape: 'whole' }
 */
export function detectFormat(value: unknown): Detection {
  if (typeof value === 'string') {
    if (hasTaskLine(value)) return { format: 'llmcompiler', shape: 'whole' };
    throw new ToolgraphError('UNKNOWN_FORMAT', `input is text but has no LLMCompiler task line ("1. tool(args)"); looked for:\n  - ${LOOKED_FOR.join('\n  - ')}`);
  }
  const whole = wholeMatches(value);
  if (whole === 'plan') return { format: 'plan', shape: 'whole' };
  let found: FormatName[] = whole;
  let shape: InputShape = 'whole';
  if (found.length === 0 && Array.isArray(value)) {
    found = streamMatches(value);
    shape = 'stream';
  }
  if (found.length === 1) return { format: found[0] as FormatName, shape };
  if (found.length > 1) {
    throw new ToolgraphError('AMBIGUOUS_FORMAT', `input matches several formats (${found.join(', ')}); pass --format with one of them`, { details: { candidates: found } });
  }
  throw new ToolgraphError('UNKNOWN_FORMAT', `input is in no known format; looked for:\n  - ${LOOKED_FOR.join('\n  - ')}\nPass --format to say which one it is.`);
}

/** Options of {@link parseAny}. */
export interface ParseAnyOptions extends LLMCompilerOptions {
  /** The format, or `auto` to detect it. @default 'auto' */
  readonly format?: DetectedFormat | 'auto';
  /** Seal-Tools response field names by tool. */
  readonly sealTools?: SealToolSpecs;
}

function streamParser(format: FormatName, options: ParseOptions): StreamParser<unknown> | undefined {
  switch (format) {
    case 'openai-chat':
      return createOpenAIChatStreamParser(options);
    case 'openai-responses':
      return createOpenAIResponsesStreamParser(options);
    case 'anthropic':
      return createAnthropicStreamParser(options);
    case 'gemini':
      return createGeminiStreamParser(options);
    default:
      return undefined;
  }
}

/** Reads text as JSON, as JSONL / SSE of chunks, or leaves it as text. */
function decodeText(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      // maybe JSONL
    }
  }
  const lines = trimmed.split('\n').filter((l) => l.trim() !== '');
  if (lines.length > 0 && lines.some((l) => l.startsWith('data:'))) {
    const sse = createSseDecoder();
    return [...sse.push(`${text}\n`), ...sse.end()];
  }
  if (lines.length > 1 && lines.every((l) => l.trim().startsWith('{'))) {
    try {
      return lines.map((l) => JSON.parse(l) as unknown);
    } catch {
      // not JSONL
    }
  }
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch (error) {
      throw new ToolgraphError('PARSE_ERROR', `input looks like JSON but does not parse: ${(error as Error).message}`);
    }
  }
  return text;
}

function parsePlanCalls(value: unknown, options: ParseOptions): ParsedResponse {
  const builder = new ResponseBuilder('plan', options);
  const calls = Array.isArray(value) ? value : ownArray(value, 'calls');
  const base = Array.isArray(value) ? '' : 'calls';
  calls.forEach((call, i) => {
    const after = ownArray(call, 'after').filter((a): a is string => typeof a === 'string');
    builder.add({ providerId: own(call, 'id'), tool: own(call, 'tool'), args: { kind: 'value', value: own(call, 'args') }, location: `${base}[${i}]`, argsKey: 'args', after });
  });
  return builder.result();
}

/**
 * Parses any supported input: whole responses, recorded streams (JSON array, JSONL or SSE of
 * chunks), LLMCompiler text, NESTFUL and Seal-Tools samples, canonical plans.
 * The result's `format` and `detected` say what was read.
 *
 * @example
 * const parsed = parseAny(readFileSync('response.json', 'utf8'))
 * await run(parsed.items, { tools })
 */
export function parseAny(input: unknown, options: ParseAnyOptions = {}): ParsedResponse & { readonly detected: Detection } {
  const value = typeof input === 'string' ? decodeText(input) : input;
  let detection: Detection;
  if (options.format === undefined || options.format === 'auto') detection = detectFormat(value);
  else detection = { format: options.format, shape: Array.isArray(value) && streamMatches(value).includes(options.format) ? 'stream' : 'whole' };
  const format = detection.format;
  if (format === 'llmcompiler' && typeof value !== 'string') {
    throw new ToolgraphError('PARSE_ERROR', 'an LLMCompiler plan is text ("1. tool(args)" lines), not JSON');
  }
  if (detection.shape === 'stream' && format !== 'plan') {
    const parser = streamParser(format, options);
    if (parser === undefined) throw new ToolgraphError('PARSE_ERROR', `${format} has no streamed form`);
    const items: FormatItem[] = [];
    for (const chunk of value as unknown[]) items.push(...parser.push(chunk));
    items.push(...parser.end());
    return { ...parser.result(), detected: detection };
  }
  let parsed: ParsedResponse;
  switch (format) {
    case 'plan':
      parsed = parsePlanCalls(value, options);
      break;
    case 'openai-chat':
      parsed = parseOpenAIChat(value, options);
      break;
    case 'openai-responses':
      parsed = parseOpenAIResponses(value, options);
      break;
    case 'anthropic':
      parsed = parseAnthropic(value, options);
      break;
    case 'gemini':
      parsed = parseGemini(value, options);
      break;
    case 'llmcompiler':
      parsed = parseLLMCompiler(value as string, options);
      break;
    case 'nestful':
      parsed = parseNestful(value, options);
      break;
    case 'seal-tools':
      parsed = parseSealTools(value, { ...options, ...(options.sealTools === undefined ? {} : { tools: options.sealTools }) });
      break;
  }
  return { ...parsed, detected: detection };
}
