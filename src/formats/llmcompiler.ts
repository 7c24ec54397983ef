/**
 * LLMCompiler plans: one task per line, `N. tool(args)`, with `$N` / `${N}` references to
 * earlier tasks, `Thought:` lines, `join()` (not a call) and `<END_OF_PLAN>`. Streamed line
 * by line. Arguments are Python literals (see `python-literal.ts`); positional arguments are
 * named by the tool's signature (see `positional-args.ts`).
 */
import type { FormatItem, ParseOptions, ParsedResponse, StreamParser } from './format-types.js';
import type { ToolsInput } from '../tools/tool-types.js';
import { mapPositionalArgs, signatureOf, signaturesOf, type Signatures } from './positional-args.js';
import { PythonLiteralError, parsePythonArgs } from './python-literal.js';
import { ResponseBuilder, clip } from './response-builder.js';
import { addSteps } from '../plan/work-steps.js';

/** Options of the LLMCompiler parsers. */
export interface LLMCompilerOptions extends ParseOptions {
  /**
   * Parameter names by tool, in positional order: positional argument `i` becomes
   * `args[signatures[tool][i]]`. A positional argument of a tool not listed ends the call
   * `MALFORMED_CALL` (never a key `"0"`). @default read from `namesFrom`
   * @example { search: ['query', 'k'] }
   */
  readonly signatures?: Readonly<Record<string, readonly string[]>> | ReadonlyMap<string, readonly string[]>;
  /** Tools whose input schemas name positional arguments (property order), when `signatures` is not given. */
  readonly namesFrom?: ToolsInput;
  /** Deepest nesting inside arguments. @default 64 */
  readonly maxDepth?: number;
}

const TASK_LINE = /^\s*(?:Step\s+)?(\d{1,7})\s*[.:)]\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\(/;
const END_OF_PLAN = '<END_OF_PLAN>';


/** Line-by-line state shared by the whole and streamed parsers. */
class LLMCompilerReader {
  readonly builder: ResponseBuilder;
  private lineNo = 0;
  ended = false;

  /** Parameter names by tool: given, or read from the tools' input schemas. */
  private readonly signatures: Signatures | undefined;

  constructor(private readonly options: LLMCompilerOptions) {
    this.builder = new ResponseBuilder('llmcompiler', options);
    this.signatures = options.signatures ?? (options.namesFrom === undefined ? undefined : signaturesOf(options.namesFrom));
  }

  /** Reads one complete line; returns the calls it produced. */
  line(text: string, overBy = 0): FormatItem[] {
    const lineNo = this.lineNo++;
    addSteps(text.length + 1);
    const location = `line ${lineNo + 1}`;
    const line = text.replace(/\r$/, '');
    if (this.ended) return [];
    if (line.includes(END_OF_PLAN)) {
      this.ended = true;
      return [];
    }
    const m = TASK_LINE.exec(line);
    if (m === null) {
      if (line.trim() !== '') this.builder.addText(`${line}\n`);
      return [];
    }
    const taskId = m[1] as string;
    const tool = m[2] as string;
    if (tool === 'join') return [];
    if (overBy > 0) {
      return [this.builder.add({ providerId: taskId, tool, args: { kind: 'json', text: '' }, location, problem: `the line is over ${this.builder.maxArgsChars} characters (${overBy} received); the limit is maxArgsChars` })];
    }
    const task = Number(taskId);
    try {
      const parsed = parsePythonArgs(line, m[0].length, {
        maxDepth: this.options.maxDepth ?? 64,
        maxChars: this.builder.maxArgsChars,
        reference: (n) => (Number(n) < task && Number(n) >= 1 ? `\${${String(Number(n))}}` : undefined),
      });
      const rest = line.slice(parsed.end).trim();
      if (rest !== '' && !rest.startsWith('#')) {
        throw new PythonLiteralError(`unexpected text after the call: ${JSON.stringify(clip(rest, 60))}`, parsed.end);
      }
      const { args, problem } = mapPositionalArgs(tool, parsed.positional, parsed.keywords, signatureOf(this.signatures, tool));
      return [this.builder.add({ providerId: taskId, tool, args: { kind: 'value', value: args }, location, argsKey: '', ...(problem === undefined ? {} : { problem }) })];
    } catch (error) {
      if (!(error instanceof PythonLiteralError)) throw error;
      return [this.builder.add({ providerId: taskId, tool, args: { kind: 'json', text: clip(line) }, location, argsKey: '', problem: `task ${taskId} could not be read: ${error.message}` })];
    }
  }
}

/**
 * Reads a whole LLMCompiler plan.
 *
 * @example
 * const parsed = parseLLMCompiler('1. search("rate limits")\n2. read_file(path="$1")\n3. join()\n<END_OF_PLAN>', { namesFrom: tools })
 * parsed.calls // [{ id: '1', tool: 'search', args: { query: 'rate limits' } }, { id: '2', tool: 'read_file', args: { path: '${1}' } }]
 */
export function parseLLMCompiler(text: string, options: LLMCompilerOptions = {}): ParsedResponse {
  const reader = new LLMCompilerReader(options);
  for (const line of text.split('\n')) reader.line(line);
  return reader.builder.result();
}

/**
 * A streamed LLMCompiler parser: text chunks in, one task out per completed line.
 *
 * @example
 * const parser = createLLMCompilerStreamParser({ signatures: { search: ['query'] } })
 * for await (const token of stream) for (const c of parser.push(token)) dispatch(c)
 * parser.end()
 */
export function createLLMCompilerStreamParser(options: LLMCompilerOptions = {}): StreamParser<string> {
  const reader = new LLMCompilerReader(options);
  const max = reader.builder.maxArgsChars;
  let pending = '';
  let dropped = 0;
  return {
    ids: reader.builder.ids,
    push(chunk) {
      const out: FormatItem[] = [];
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf('\n', from);
        const piece = chunk.slice(from, nl === -1 ? chunk.length : nl);
        if (pending.length + piece.length > max + 64) {
          const room = Math.max(0, max + 64 - pending.length);
          pending += piece.slice(0, room);
          dropped += piece.length - room;
        } else pending += piece;
        if (nl === -1) break;
        out.push(...reader.line(pending, dropped > 0 ? pending.length + dropped : 0));
        pending = '';
        dropped = 0;
        from = nl + 1;
      }
      return out;
    },
    end() {
      if (pending === '' && dropped === 0) return [];
      const out = reader.line(pending, dropped > 0 ? pending.length + dropped : 0);
      pending = '';
      dropped = 0;
      return out;
    },
    result: () => reader.builder.result(),
  };
}
