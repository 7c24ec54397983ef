/**
 * The streams a CLI command writes to, injected so commands can be run in-process by tests.
 */
import { boundedJson } from '../plan/bounded-json.js';
import { printable } from './printable.js';

/** Where a command reads and writes. */
export interface CliIo {
  /** Standard output. */
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Standard error. */
  readonly stderr: NodeJS.WritableStream;
  /** Standard input (for `-`, and approvals when it is a terminal). */
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Working directory for relative paths. */
  readonly cwd: string;
}

/** A command's exit code: 0 success, 1 the input has problems, 2 bad usage, 130 / 143 interrupted (SIGINT / SIGTERM). */
export type ExitCode = 0 | 1 | 2 | 130 | 143;

/** Thrown for bad usage; the CLI prints the message and the usage text, then exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Writes a line. Every line the CLI prints goes through here: control and bidi characters are
 * escaped (`printable`, keeping LF and TAB), so model- or tool-written text inside it cannot
 * drive the terminal, whatever command printed it.
 */
export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${printable(text, true)}\n`);
}

/**
 * Pretty JSON for `--json` output: like `JSON.stringify(value, null, 2)`, but iterative (deep
 * values do not overflow the stack), with C1 and bidi controls escaped as `\uXXXX`, and parts
 * that cannot be written (a cyclic or BigInt result, a throwing getter) written as
 * `"[unserializable: why]"` instead of failing the whole output.
 */
export function jsonText(value: unknown): string {
  const text = boundedJson(value, { indent: 2, escapeUnsafe: true, onProblem: 'mark', maxDepth: 100_000, maxChars: 512 * 1024 * 1024 });
  if (typeof text === 'string') return text;
  return JSON.stringify(text === undefined ? null : `[unserializable: ${text.message}]`);
}
