/**
 * Input helpers for the CLI: read a file or stdin, parse JSON with a readable position on error.
 */
import { readFile, stat } from 'node:fs/promises';
import { ToolgraphError } from '../errors.js';
import { jsonErrorOffset } from './json-position.js';

/** Most bytes read from a plan file or stdin. @default 64 MiB */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** Reads a file, or stdin when `path` is `-`. */
export async function readInput(path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stdin) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      size += buf.length;
      if (size > MAX_INPUT_BYTES) throw new ToolgraphError('PARSE_ERROR', `stdin: input is larger than ${MAX_INPUT_BYTES} bytes`);
      chunks.push(buf);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    // The size is checked before reading, so a huge file is refused without being loaded.
    const size = (await stat(path)).size;
    if (size > MAX_INPUT_BYTES) throw new ToolgraphError('PARSE_ERROR', `${path}: file is larger than ${MAX_INPUT_BYTES} bytes`);
    const text = await readFile(path, 'utf8');
    if (Buffer.byteLength(text) > MAX_INPUT_BYTES) throw new ToolgraphError('PARSE_ERROR', `${path}: file is larger than ${MAX_INPUT_BYTES} bytes`);
    return text;
  } catch (error) {
    if (ToolgraphError.isInstance(error)) throw error;
    throw new ToolgraphError('PARSE_ERROR', `${path}: ${fileErrorText(error)}`);
  }
}

/**
 * A file system error in a few words: `no such file` (or `missing` when the path is written
 * to, where ENOENT means a missing directory), `is a directory`, `permission denied`, else
 * the error's own message.
 *
 * @example
 * fileErrorText(Object.assign(new Error('…'), { code: 'ENOENT' })) // 'no such file'
 */
export function fileErrorText(error: unknown, missing = 'no such file'): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return missing;
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

/**
 * Parses JSON (a leading byte-order mark is ignored); on failure throws `PARSE_ERROR` naming
 * the line and column (1-based) where the text stops being JSON.
 *
 * @example
 * parseJson('{"calls": [}', 'plan.json') // throws "plan.json:1:12: not JSON: Unexpected token ..."
 */
export function parseJson(text: string, source: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    if (body.trim() === '') throw new ToolgraphError('PARSE_ERROR', `${source}: input is empty; expected a JSON plan`);
    const message = (error as Error).message.replace(/^JSON\.parse: /, '');
    const offset = jsonErrorOffset(body) ?? Number(/position (\d+)/.exec(message)?.[1] ?? Number.NaN);
    const at = Number.isNaN(offset) ? undefined : lineColumn(body, offset);
    const where = at === undefined ? source : `${source}:${at.line}:${at.column}`;
    throw new ToolgraphError('PARSE_ERROR', `${where}: not JSON: ${shorten(message)}`, { location: where });
  }
}

/** Keeps an engine message to one short line (Node 22 quotes the input back). */
function shorten(message: string): string {
  const line = message.replace(/\s+/g, ' ');
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
