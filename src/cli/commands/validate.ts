/**
 * `toolgraph validate <file|->`: checks a plan and prints a summary or every issue.
 */
import { parseArgs } from 'node:util';
import { ToolgraphError } from '../../errors.js';
import { summarizePlan, validatePlan } from '../../graph/validate.js';
import { UsageError, writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import { parseJson, readInput } from '../io.js';

/** Usage text of `toolgraph validate`. */
export const VALIDATE_USAGE = `usage: toolgraph validate <file|-> [--json] [--max-calls N]

Checks a plan: shape, ids, placeholder references, cycles. Prints one summary line
(calls, edges, levels, critical path, max width) or every issue, one per line.
  --json          print { "valid", "issues", "summary" } (also for input that is not JSON)
  --max-calls N   the most calls accepted (default 10000)
Exit: 0 valid, 1 invalid, unreadable or not JSON, 2 bad usage.`;

/** Parses a positive integer option or throws a usage error naming it. */
export function intOption(name: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`expected --${name} to be an integer >= ${min}, got \`${value}\``);
  return n;
}

/** Runs `toolgraph validate`. */
export async function validateCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { json: { type: 'boolean', default: false }, 'max-calls': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing the plan file (use - for stdin)' : `expected one plan file, got ${positionals.length}`);
  const file = positionals[0] as string;
  const maxCalls = intOption('max-calls', values['max-calls']);
  let input: unknown;
  try {
    input = parseJson(await readInput(file, io.stdin), file === '-' ? 'stdin' : file);
  } catch (error) {
    // With --json, even unreadable input is answered in the documented JSON shape.
    if (!values.json || !ToolgraphError.isInstance(error)) throw error;
    const issue = { code: error.code, message: error.message, ...(error.location === undefined ? {} : { location: error.location }) };
    writeLine(io.stdout, JSON.stringify({ valid: false, issues: [issue], summary: null }, null, 2));
    return 1;
  }
  const result = validatePlan(input, maxCalls === undefined ? {} : { maxCalls });
  const summary = result.plan === undefined ? undefined : summarizePlan(result.plan);
  if (values.json) {
    writeLine(io.stdout, JSON.stringify({ valid: result.valid, issues: result.issues, summary: summary ?? null }, null, 2));
    return result.valid ? 0 : 1;
  }
  if (summary !== undefined) {
    writeLine(
      io.stdout,
      `valid: ${summary.calls} calls, ${summary.edges} edges, ${summary.levels} levels, critical path ${summary.criticalPath}, max width ${summary.maxWidth}`,
    );
    return 0;
  }
  for (const issue of result.issues) writeLine(io.stdout, `${issue.code} ${issue.message}`);
  writeLine(io.stderr, `${result.issues.length} problem${result.issues.length === 1 ? '' : 's'} found`);
  return 1;
}
