/**
 * What `run`, `validate` and `graph` read: a canonical plan or a model response in any format
 * `parseAny` knows, chosen by `--format` (default `auto`). An explicit format that does not
 * match the input is bad usage that says what the input looks like; it never runs nothing
 * silently.
 */
import type { Issue } from '../errors.js';
import { ToolgraphError } from '../errors.js';
import { parseAny, type DetectedFormat, type ParseAnyOptions } from '../formats/detect-format.js';
import { FORMAT_NAMES, type FormatCall, type FormatName, type ParsedResponse } from '../formats/format-types.js';
import { callDeps } from '../plan/call-deps.js';
import { UsageError } from './cli-io.js';
import { parseJson, readInput } from './io.js';

/** The `--format` choices of the commands that read plans. */
export const INPUT_FORMATS: readonly (FormatName | 'auto')[] = ['auto', ...FORMAT_NAMES];

/** Help text for `--format`, shared by the commands' usage. */
export const FORMAT_HELP = `  --format F         auto (default), plan, openai-chat, openai-responses, anthropic,
                     gemini, llmcompiler, nestful, seal-tools (whole or recorded streams)`;

/** What was read. */
export interface PlanInput {
  /** `stdin` or the file name, for messages. */
  readonly source: string;
  /** The format that was read. */
  readonly format: FormatName;
  /** For a canonical plan: the JSON value as read (validated by the command). */
  readonly plan?: unknown;
  /** For a model response: what its format parsed. */
  readonly parsed?: ParsedResponse;
}

/** Checks `--format`; throws a usage error naming the choices. */
export function formatOption(value: string | undefined): FormatName | 'auto' {
  const format = value ?? 'auto';
  if (!(INPUT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`expected --format to be ${INPUT_FORMATS.join(', ')}, got \`${format}\``);
  }
  return format as FormatName | 'auto';
}

function isBlank(text: string): boolean {
  return text.replace(/^\uFEFF/, '').trim() === '';
}

/** True when text is a canonical plan: `{ "calls": [...] }` or an array of `{ id, tool, args }`. */
export function looksLikePlan(text: string): boolean {
  const head = text.trimStart().replace(/^\uFEFF/, '').slice(0, 4096);
  if (/^\{\s*"calls"\s*:/.test(head) || /^\[\s*\]\s*$/.test(head)) return true;
  return /^\[\s*\{/.test(head) && /"tool"\s*:/.test(head) && /"args"\s*:/.test(head);
}

/** True for JSONL or SSE: several lines of JSON objects, or `data:` lines. */
function isLines(text: string): boolean {
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '');
  return lines.some((l) => l.startsWith('data:')) || (lines.length > 1 && lines.every((l) => l.trim().startsWith('{')));
}

/** What auto-detection makes of the input, in words (for a format that does not match). */
function looksLike(text: string): { format?: FormatName; words: string } {
  try {
    const detected = parseAny(text, { format: 'auto' }).detected;
    return { format: detected.format, words: `it looks like ${detected.format}${detected.shape === 'stream' ? ' (a recorded stream)' : ''}` };
  } catch (error) {
    const message = ToolgraphError.isInstance(error) ? error.message : String(error);
    return { words: `it matches no format: ${message}` };
  }
}

/** The usage error for `--format F` on input that is in another format. */
function mismatch(source: string, format: FormatName, text: string): ToolgraphError {
  const seen = looksLike(text);
  const hint = seen.format === undefined ? '' : `; use --format ${seen.format} or --format auto`;
  return new ToolgraphError('INVALID_OPTION', `--format ${format} does not match ${source}: ${seen.words}${hint}`);
}

/**
 * Reads a plan or a model response from a file or stdin (`-`).
 *
 * An explicit `--format` the input does not match throws `INVALID_OPTION` (exit 2) saying what
 * the input looks like: a response read as another format yields no calls, and running or
 * checking nothing would look like success.
 *
 * @example
 * const input = await readPlanInput('response.json', 'auto', io.stdin)
 * input.parsed?.calls.length
 */
export async function readPlanInput(
  file: string,
  format: FormatName | 'auto',
  stdin: NodeJS.ReadableStream,
  options: { readonly namesFrom?: ParseAnyOptions['namesFrom'] } = {},
): Promise<PlanInput> {
  const text = await readInput(file, stdin);
  const source = file === '-' ? 'stdin' : file;
  // Empty input says so (as a plan) rather than listing every format it is not.
  if (format === 'plan' || isBlank(text) || (format === 'auto' && looksLikePlan(text))) {
    const plan = parseJson(text, source);
    if (format === 'plan' && !isBlank(text) && !looksLikePlan(text) && looksLike(text).format !== 'plan') throw mismatch(source, 'plan', text);
    return { source, format: 'plan', plan };
  }
  let parsed: ReturnType<typeof parseAny>;
  try {
    parsed = parseAny(text, { format: format as DetectedFormat | 'auto', ...(options.namesFrom === undefined ? {} : { namesFrom: options.namesFrom }) });
  } catch (error) {
    // Text that is neither a format nor JSON is reported where it stops being JSON (line and
    // column), unless it is a recorded stream of lines (JSONL, SSE), whose own error says more.
    if (format === 'auto' && !isLines(text)) parseJson(text, source);
    throw error;
  }
  if (format !== 'auto' && parsed.items.length === 0) {
    const seen = looksLike(text);
    if (seen.format !== format) throw mismatch(source, format, text);
  }
  return { source, format: parsed.format, parsed };
}

/** The calls of a response that can run, and why the others cannot. */
export interface ResponseCalls {
  /** Well-formed calls that wait on no malformed call: a plan of these validates like any plan. */
  readonly calls: readonly FormatCall[];
  /** One `MALFORMED_CALL` per call that could not be read, one `SKIPPED` per call that waits on one. */
  readonly issues: readonly Issue[];
}

/**
 * Splits a parsed response as a run would treat it: a malformed call fails with
 * `MALFORMED_CALL`, and every call that waits on it (transitively) is skipped. Ids in messages
 * are the provider's.
 *
 * @example
 * const { calls, issues } = responseCalls(parseAny(text))
 * validatePlan({ calls }, { tools })
 */
export function responseCalls(parsed: ParsedResponse): ResponseCalls {
  const name = (id: string): string => parsed.ids.providerId(id);
  const issues: Issue[] = [];
  const broken = new Set<string>();
  for (const problem of parsed.problems) {
    broken.add(problem.id);
    const { message, location } = problem.error;
    const at = message.includes(location) ? '' : ` (at ${location})`;
    issues.push({ code: 'MALFORMED_CALL', callId: name(problem.id), location, message: `${name(problem.id)}${problem.tool === undefined ? '' : ` (${problem.tool})`}: ${message}${at}` });
  }
  // Calls arrive in response order, but a reference may point forward: repeat until stable.
  let remaining = parsed.calls;
  for (let changed = broken.size > 0; changed; ) {
    changed = false;
    const kept: FormatCall[] = [];
    for (const call of remaining) {
      const blocker = callDeps(call).find((dep) => broken.has(dep));
      if (blocker === undefined) {
        kept.push(call);
        continue;
      }
      broken.add(call.id);
      changed = true;
      issues.push({ code: 'SKIPPED', callId: name(call.id), message: `${name(call.id)} (${call.tool}) waits on ${name(blocker)}, which cannot run` });
    }
    remaining = kept;
  }
  return { calls: remaining, issues };
}
