/**
 * Call outcomes → short text a model can act on: results as text (compact JSON for
 * non-strings, cut over a size with a marker), errors, timeouts, skips, rejections and
 * "still running" entries as one or two sentences. Shared by every provider renderer.
 */
import type { CallIdMap, CallOutcome, FormatItem, MalformedCall, OutcomeStatus, RenderOptions } from './format-types.js';
import { isMalformedCall } from './format-types.js';
import { positiveOption } from './response-builder.js';

/** Default of {@link RenderOptions.maxResultChars}: 16 KiB of characters. */
export const DEFAULT_MAX_RESULT_CHARS = 16_384;

/** A rendered outcome: its text and whether the provider should flag it as an error. */
export interface OutcomeText {
  /** The text for the model. */
  readonly text: string;
  /** True for failed, skipped, cancelled and rejected calls. */
  readonly isError: boolean;
}

/**
 * Cuts text longer than `max` characters (never inside a surrogate pair) and says how much
 * was cut.
 *
 * @example
 * truncateText('abcdef', 3) // 'abc\n… [truncated: 3 of 6 characters cut]'
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}\n… [truncated: ${text.length - end} of ${text.length} characters cut]`;
}

/** A result as text: strings as they are, anything else as compact JSON. */
export function resultText(result: unknown): string {
  if (typeof result === 'string') return result;
  if (result === undefined) return '(no output)';
  try {
    return JSON.stringify(result) ?? String(result);
  } catch {
    return String(result);
  }
}

const HINTS: Readonly<Record<string, string>> = {
  TIMEOUT: 'You can retry or continue without it.',
  MALFORMED_CALL: 'Fix the call and send it again.',
  INVALID_ARGS: 'Fix the arguments and send the call again.',
  UNKNOWN_TOOL: 'Use one of the available tools.',
  UNRESOLVED_REFERENCE: 'Check the reference, or call it again with the value written out.',
  UNKNOWN_REF: 'Check the reference, or call it again with the value written out.',
};

function errorMessage(outcome: CallOutcome, fallback: string): { code: string; message: string } {
  const code = outcome.error?.code ?? fallback;
  const raw = outcome.error?.message ?? '';
  return { code, message: raw.trim() === '' ? `${outcome.tool} did not succeed` : raw.trim() };
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * The text of one outcome.
 *
 * @example
 * outcomeText({ id: 'c1', tool: 'search_docs', status: 'failed',
 *   error: { code: 'TIMEOUT', message: 'search_docs did not finish within 30000 ms' } })
 * // { text: 'Error (TIMEOUT): search_docs did not finish within 30000 ms. You can retry or continue without it.', isError: true }
 */
export function outcomeText(outcome: CallOutcome, options: RenderOptions = {}): OutcomeText {
  const max = positiveOption('maxResultChars', options.maxResultChars, DEFAULT_MAX_RESULT_CHARS);
  const status: OutcomeStatus = outcome.status;
  // Error texts are short sentences a model needs whole: they are cut at 4 KiB at the least.
  const errMax = Math.max(max, 4096);
  switch (status) {
    case 'succeeded':
      return { text: truncateText(resultText(outcome.result), max), isError: false };
    case 'running':
      return { text: `Still running: ${outcome.tool} has not finished yet; the result will follow in the next turn.`, isError: false };
    case 'failed': {
      const { code, message } = errorMessage(outcome, 'TOOL_ERROR');
      const hint = HINTS[code] ?? 'You can retry, try another way, or continue without it.';
      return { text: truncateText(`Error (${code}): ${sentence(message)} ${hint}`, errMax), isError: true };
    }
    case 'skipped': {
      const { message } = errorMessage(outcome, 'SKIPPED');
      return { text: truncateText(`Skipped: ${outcome.tool} did not run (${message}). Fix what it depends on, or call it again with the values written out.`, errMax), isError: true };
    }
    case 'cancelled': {
      const { message } = errorMessage(outcome, 'CANCELLED');
      return { text: truncateText(`Cancelled: ${outcome.tool} was stopped before it finished (${message}). You can call it again if you still need it.`, errMax), isError: true };
    }
    case 'rejected': {
      const { message } = errorMessage(outcome, 'REJECTED');
      return { text: truncateText(`Rejected: ${outcome.tool} was not approved (${message}). Do not retry it unless the user asks; continue another way.`, errMax), isError: true };
    }
  }
}

/**
 * The failed outcome of a malformed call, with the provider's id.
 *
 * @example
 * malformedOutcome(parsed.problems[0], parsed.ids) // { id: 'call_9', tool: 'search', status: 'failed', error: { code: 'MALFORMED_CALL', ... } }
 */
export function malformedOutcome(item: MalformedCall, ids?: CallIdMap): CallOutcome {
  return {
    id: ids === undefined ? item.id : ids.providerId(item.id),
    tool: item.tool ?? 'unknown tool',
    status: 'failed',
    error: { code: item.error.code, message: item.error.message },
  };
}

/** What the scheduler knows of one call (a `CallRecord` fits). */
export interface OutcomeRecord {
  /** The tool's name. */
  readonly tool: string;
  /** Terminal state. */
  readonly status: Exclude<OutcomeStatus, 'running'>;
  /** The result, for succeeded calls. */
  readonly result?: unknown;
  /** Why it did not succeed. */
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * The outcomes of a response's calls, in response order, with provider ids: a call with a
 * record gets its outcome; a malformed call without one is `failed` with its parse error;
 * any other call without one is `running`.
 *
 * @example
 * const result = await run(parsed.items, { tools })
 * renderOpenAIChatResults(collectOutcomes(parsed.items, result.calls, parsed.ids))
 */
export function collectOutcomes(
  items: readonly FormatItem[],
  records: ReadonlyMap<string, OutcomeRecord> | Readonly<Record<string, OutcomeRecord | undefined>>,
  ids?: CallIdMap,
): CallOutcome[] {
  const get = (id: string): OutcomeRecord | undefined =>
    records instanceof Map ? records.get(id) : Object.hasOwn(records, id) ? (records as Record<string, OutcomeRecord | undefined>)[id] : undefined;
  return items.map((item): CallOutcome => {
    const record = get(item.id);
    const id = ids === undefined ? item.id : ids.providerId(item.id);
    const generated = ids?.isGenerated(item.id) === true ? { idGenerated: true } : {};
    if (record === undefined) {
      if (isMalformedCall(item)) return { ...malformedOutcome(item, ids), id, ...generated };
      return { id, ...generated, tool: item.tool, status: 'running' };
    }
    return {
      id,
      ...generated,
      tool: record.tool,
      status: record.status,
      ...(record.status === 'succeeded' ? { result: record.result } : {}),
      ...(record.error === undefined ? {} : { error: { code: record.error.code, message: record.error.message } }),
    };
  });
}
