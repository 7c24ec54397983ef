/**
 * The streams a CLI command writes to, injected so commands can be run in-process by tests.
 */

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

/** A command's exit code: 0 success, 1 the input has problems, 2 bad usage. */
export type ExitCode = 0 | 1 | 2;

/** Thrown for bad usage; the CLI prints the message and the usage text, then exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Writes a line. */
export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}
