#!/usr/bin/env node
/**
 * The `toolgraph` executable.
 */
import { runCli } from './run-cli.js';

/** Resolves once everything written to the stream so far has been handed to the system. */
function flushed(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    // An error (a closed pipe) also ends the wait: there is nothing more to flush.
    stream.write('', () => resolve());
  });
}

// A reader that goes away (`toolgraph report t.jsonl | head`) is not a failure of the command:
// the rest of that stream's output is dropped instead of crashing with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
});
// A run ends when its output is complete: a tool that ignores its abort signal (a timer that
// outlives its timeout, an open socket) must not keep the process alive after the summary.
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
