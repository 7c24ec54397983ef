/**
 * Writing and reading JSONL traces. Reading is bounded (line length, line count) and reports every
 * malformed line with its number; unknown entry types are kept, never dropped.
 */
import { ToolgraphError } from '../errors.js';
import { KNOWN_TRACE_ENTRY_TYPES, KnownTraceEntrySchema, type TraceEntry } from './trace-entry.js';

/** Longest line accepted. @default 1 MiB (characters) */
export const DEFAULT_MAX_TRACE_LINE_LENGTH = 1024 * 1024;
/** Most lines accepted. @default 1,000,000 */
export const DEFAULT_MAX_TRACE_LINES = 1_000_000;

/** Options of {@link parseTrace}. */
export interface ParseTraceOptions {
  /** Longest line accepted; a longer line is a problem. @default 1 MiB */
  readonly maxLineLength?: number;
  /** Most lines accepted; more is a `PARSE_ERROR`. @default 1,000,000 */
  readonly maxLines?: number;
  /** Name used in messages, e.g. the file name. @default "trace" */
  readonly source?: string;
}

/** One malformed line. */
export interface TraceProblem {
  /** 1-based line number. */
  readonly line: number;
  /** What is wrong. */
  readonly message: string;
}

/** The outcome of {@link parseTraceWithProblems}. */
export interface ParsedTrace {
  /** The entries read, in file order (blank lines skipped). */
  readonly entries: readonly TraceEntry[];
  /** Every malformed line. */
  readonly problems: readonly TraceProblem[];
}

/**
 * Serializes entries as JSONL: one JSON object per line, each line ending in `\n`.
 *
 * @example
 * toJsonl([{ type: 'assistant_message', turn: 1, t: 0 }]) // '{"type":"assistant_message","turn":1,"t":0}\n'
 */
export function toJsonl(entries: Iterable<TraceEntry>): string {
  const lines: string[] = [];
  for (const entry of entries) lines.push(JSON.stringify(entry));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function checkLimit(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new ToolgraphError('INVALID_OPTION', `expected \`${name}\` to be a positive integer, got \`${String(value)}\``);
  return v;
}

function describeIssue(issue: { path: readonly PropertyKey[]; message: string }): string {
  const at = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return at === '' ? issue.message : `${at.replace(/^\./, '')}: ${issue.message}`;
}

/**
 * Reads a JSONL trace and returns the entries and every malformed line, without throwing for
 * malformed lines. Throws `PARSE_ERROR` only when the trace has more than `maxLines` lines.
 *
 * @example
 * const { entries, problems } = parseTraceWithProblems(text)
 * for (const p of problems) console.warn(`line ${p.line}: ${p.message}`)
 */
export function parseTraceWithProblems(text: string, options: ParseTraceOptions = {}): ParsedTrace {
  const maxLineLength = checkLimit('maxLineLength', options.maxLineLength, DEFAULT_MAX_TRACE_LINE_LENGTH);
  const maxLines = checkLimit('maxLines', options.maxLines, DEFAULT_MAX_TRACE_LINES);
  const source = options.source ?? 'trace';
  const entries: TraceEntry[] = [];
  const problems: TraceProblem[] = [];
  let start = 0;
  let line = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line++;
    if (line > maxLines) throw new ToolgraphError('PARSE_ERROR', `${source}: more than ${maxLines} lines (raise maxLines)`, { location: `line ${line}` });
    const raw = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    if (raw.trim() === '') continue;
    if (raw.length > maxLineLength) {
      problems.push({ line, message: `line is ${raw.length} characters; the limit is ${maxLineLength}` });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      problems.push({ line, message: `not JSON: ${(error as Error).message}` });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({ line, message: 'expected a JSON object with a "type"' });
      continue;
    }
    if (!Object.hasOwn(value, 'type') || typeof (value as Record<string, unknown>)['type'] !== 'string') {
      problems.push({ line, message: 'expected a string "type"' });
      continue;
    }
    const type = (value as Record<string, unknown>)['type'] as string;
    if (!KNOWN_TRACE_ENTRY_TYPES.has(type)) {
      entries.push(value as TraceEntry);
      continue;
    }
    const parsed = KnownTraceEntrySchema.safeParse(value);
    if (parsed.success) entries.push(parsed.data);
    else problems.push({ line, message: `${type} entry: ${parsed.error.issues.slice(0, 3).map(describeIssue).join('; ')}` });
  }
  return { entries, problems };
}

/**
 * Reads a JSONL trace. Blank lines are skipped; entries of unknown types are kept. Any malformed
 * line (not JSON, not an object, a known type with the wrong shape, too long) makes it throw one
 * `PARSE_ERROR` naming the first line, with every problem in `details.problems`.
 *
 * @example
 * const entries = parseTrace(await readFile('run.jsonl', 'utf8'), { source: 'run.jsonl' })
 */
export function parseTrace(text: string, options: ParseTraceOptions = {}): readonly TraceEntry[] {
  const { entries, problems } = parseTraceWithProblems(text, options);
  const first = problems[0];
  if (first !== undefined) {
    const source = options.source ?? 'trace';
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more malformed line${problems.length > 2 ? 's' : ''})` : '';
    throw new ToolgraphError('PARSE_ERROR', `${source}:${first.line}: ${first.message}${more}`, {
      location: `line ${first.line}`,
      details: { problems },
    });
  }
  return entries;
}
