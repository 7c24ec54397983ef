#!/usr/bin/env node
/**
 * The `toolgraph` executable.
 */
import { runCli } from './run-cli.js';

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
});
process.exitCode = code;
