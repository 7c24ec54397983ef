/**
 * The CLI's dispatcher: picks the verb, turns user mistakes into one clear line and an exit
 * code (never a stack trace), and leaves real bugs loud.
 */
import { readFileSync } from 'node:fs';
import { ToolgraphError } from '../errors.js';
import { UsageError, writeLine, type CliIo, type ExitCode } from './cli-io.js';
import { GRAPH_USAGE, graphCommand } from './commands/graph.js';
import { REPORT_USAGE, reportCommand } from './commands/report.js';
import { SERVE_USAGE, serveCommand } from './commands/serve.js';
import { RUN_USAGE, runCommand } from './commands/run.js';
import { VALIDATE_USAGE, validateCommand } from './commands/validate.js';
import { WORKER_USAGE, workerCommand } from './commands/worker.js';

type Command = (argv: readonly string[], io: CliIo) => Promise<ExitCode>;

interface Verb {
  readonly run: Command;
  readonly usage: string;
  readonly summary: string;
  /**
   * Exit code when the command throws a ToolgraphError: its input could not be read, parsed or
   * used (a missing file, text that is not JSON, no known format, a plan refused at the start).
   * `run` says 2 (1 is kept for "some calls did not succeed"); the others say 1, as for an
   * invalid input they report themselves. `INVALID_OPTION` is bad usage: always 2.
   */
  readonly inputError: ExitCode;
}

const VERBS: ReadonlyMap<string, Verb> = new Map<string, Verb>([
  ['validate', { run: validateCommand, usage: VALIDATE_USAGE, summary: 'check a plan or a model response and print a summary or every issue', inputError: 1 }],
  ['run', { run: runCommand, usage: RUN_USAGE, summary: 'run a plan with the tools a module exports', inputError: 2 }],
  ['graph', { run: graphCommand, usage: GRAPH_USAGE, summary: 'print the DAG of a plan or a model response as mermaid, dot or json', inputError: 1 }],
  ['report', { run: reportCommand, usage: REPORT_USAGE, summary: 'print a trace\'s metrics and a timeline of its calls', inputError: 1 }],
  ['serve', { run: serveCommand, usage: SERVE_USAGE, summary: 'serve tools and run_plan as an MCP server (stdio or HTTP)', inputError: 2 }],
  ['worker', { run: workerCommand, usage: WORKER_USAGE, summary: 'run tools for remote runs (toolgraph/bullmq) from a Redis queue', inputError: 2 }],
]);

/** The package's version, read from package.json (two folders up from both src/cli and dist/cli). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return String(pkg.version);
}

/** The top-level usage text. */
export function usage(): string {
  const lines = ['usage: toolgraph <command> [options]', '', 'commands:'];
  for (const [name, verb] of VERBS) lines.push(`  ${name.padEnd(10)} ${verb.summary}`);
  lines.push('', 'Run `toolgraph help <command>` (or `toolgraph <command> --help`) for a command\'s options.');
  return lines.join('\n');
}

/**
 * The one-line message of a usage error. Node's parseArgs messages are reworded: its
 * unknown-option message ends in a hint with an unbalanced quote (`as in '-- "--bogus"`).
 */
function usageMessage(error: Error & { code?: unknown }): string {
  const message = error.message;
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /^Unknown option '(.*?)'\. To specify a positional argument/.exec(message)?.[1];
    return option === undefined ? (message.split('. ')[0] as string) : `Unknown option '${option}'`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const missing = /^Option '(.*?)(?: <value>)?' argument missing$/.exec(message)?.[1];
    if (missing !== undefined) return `Option '${missing}' needs a value`;
    const extra = /^Option '(.*?)' does not take an argument$/.exec(message)?.[1];
    if (extra !== undefined) return `Option '${extra}' takes no value`;
  }
  return message.split('\n')[0] as string;
}

/**
 * Runs the CLI with the given arguments (without `node` and the script path).
 *
 * @example
 * const code = await runCli(['validate', 'plan.json'], { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd() })
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [name, ...rest] = argv;
  // `toolgraph help <command>` is `toolgraph <command> --help`.
  if (name === 'help' && rest.length > 0) {
    const topic = VERBS.get(rest[0] as string);
    if (topic === undefined) {
      writeLine(io.stderr, `toolgraph help: unknown command ${JSON.stringify(rest[0])}\n\n${usage()}`);
      return 2;
    }
    writeLine(io.stdout, topic.usage);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    writeLine(name === undefined ? io.stderr : io.stdout, usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    writeLine(io.stdout, version());
    return 0;
  }
  const verb = VERBS.get(name);
  if (verb === undefined) {
    writeLine(io.stderr, `toolgraph: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    writeLine(io.stdout, verb.usage);
    return 0;
  }
  try {
    return await verb.run(rest, io);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      writeLine(io.stderr, `toolgraph ${name}: ${usageMessage(error as Error & { code?: unknown })}\n\n${verb.usage}`);
      return 2;
    }
    if (ToolgraphError.isInstance(error)) {
      writeLine(io.stderr, `toolgraph ${name}: ${error.code}: ${error.message}`);
      return error.code === 'INVALID_OPTION' ? 2 : verb.inputError;
    }
    throw error;
  }
}
