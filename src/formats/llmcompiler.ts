/**
 * LLMCompiler plans: one task per line, `N. tool(args)`, with `$N` / `${N}` references to
 * earlier tasks, `Thought:` lines, `join()` (not a call) and `<END_OF_PLAN>`. Streamed line
 * by line. Arguments are Python literals (see `python-literal.ts`); positional arguments
 * become `args: { "0": ..., "1": ... }` unless a tool signature names them.
 */
import type { FormatItem, ParseOptions, ParsedResponse, StreamParser } from './format-types.js';
import { defineKey } from './map-json.js';
import { PythonLiteralError, parsePythonArgs } from './python-literal.js';
import { ResponseBuilder, clip } from './response-builder.js';
import { addSteps } from '../plan/work-steps.js';

/** Options of the LLMCompiler parsers. */
export interface LLMCompilerOptions extends ParseOptions {
  /**
   * Parameter names by tool, in positional order: positional argument `i` becomes
   * `args[signatures[tool][i]]`. Tools not listed keep positional keys `"0"`, `"1"`, ...
   * @example { search: ['query', 'k'] }
   */
  readonly signatures?: Readonly<Record<string, readonly string[]>> | ReadonlyMap<string, readonly string[]>;
  /** Deepest nesting inside arguments. @default 64 */
  readonly maxDepth?: number;
}

const TASK_LINE = /^\s*(?:Step\s+)?(\d{1,7})\s*[.:)]\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\(/;
const END_OF_PLAN = '<END_OF_PLAN>';

function signatureOf(options: LLMCompilerOptions, tool: string): readonly string[] | undefined {
  const s = options.signatures;
  if (s === undefined) return undefined;
  if (s instanceof Map) return s.get(tool);
  return Object.hasOwn(s, tool) ? (s as Record<string, readonly string[]>)[tool] : undefined;
}

/** Line-by-line state shared by the whole and streamed parsers. */
class LLMCompilerReader {
  readonly builder: ResponseBuilder;
  private lineNo = 0;
  ended = false;

  constructor(private readonly options: LLMCompilerOptions) {
    this.builder = new ResponseBuilder('llmcompiler', options);
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
      const names = signatureOf(this.options, tool);
      const args: Record<string, unknown> = {};
      let problem: string | undefined;
      parsed.positional.forEach((value, i) => {
        const name = names?.[i] ?? String(i);
        defineKey(args, name, value);
      });
      if (names !== undefined && parsed.positional.length > names.length) {
        problem = `${tool} takes ${names.length} positional argument${names.length === 1 ? '' : 's'} (${names.join(', ')}); ${parsed.positional.length} were given`;
      }
      for (const [key, value] of parsed.keywords) {
        if (Object.hasOwn(args, key)) problem ??= `argument "${key}" is given both by position and by name`;
        defineKey(args, key, value);
      }
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
 * const parsed = parseLLMCompiler('1. search("rate limits")\n2. read_file(path="$1")\n3. join()\n<END_OF_PLAN>')
 * parsed.calls // [{ id: '1', tool: 'search', args: { 0: 'rate limits' } }, { id: '2', tool: 'read_file', args: { path: '${1}' } }]
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
