/**
 * `toolgraph validate <file|->`: checks a plan, or the calls of a model response, and prints a
 * summary or every issue.
 */
import { parseArgs } from 'node:util';
import { ToolgraphError, type Issue } from '../../errors.js';
import { summarizePlan, validatePlan, type PlanSummary, type ValidPlan } from '../../graph/validate.js';
import { UsageError, writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import { loadTools } from '../load-tools.js';
import { FORMAT_HELP, formatOption, readPlanInput, responseCalls, type PlanInput } from '../plan-input.js';
import { printable } from '../progress.js';

/** Usage text of `toolgraph validate`. */
export const VALIDATE_USAGE: string = `usage: toolgraph validate <file|-> [--format F] [--tools M] [--json] [--max-calls N]

Checks a plan or a model response: shape, ids, placeholder references, cycles, and
the calls a response got wrong. Prints one summary line (calls, edges, dependency
levels, critical path, widest level) or every issue, one per line.
${FORMAT_HELP}
  --tools M          the tools module (as for run): also reports unknown tools and
                     arguments that fail a tool's input schema
  --json             print { "valid", "issues", "summary" } (also for input that is not JSON)
  --max-calls N      the most calls accepted (default 10000)
Exit: 0 valid, 1 invalid, unreadable or not JSON, 2 bad usage (a --format the input
does not match, a --tools module that cannot be used).`;

/** Parses a positive integer option or throws a usage error naming it. */
export function intOption(name: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`expected --${name} to be an integer >= ${min}, got \`${value}\``);
  return n;
}

/** `1 call`, `2 calls`. */
function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The summary line of a valid plan, every figure with its unit.
 *
 * @example
 * summaryText({ calls: 6, edges: 4, levels: 2, criticalPath: 2, maxWidth: 4 })
 * // 'valid: 6 calls, 4 edges; 2 dependency levels, critical path 2 calls, widest level 4 calls'
 */
export function summaryText(summary: PlanSummary): string {
  return `valid: ${count(summary.calls, 'call')}, ${count(summary.edges, 'edge')}; ${count(summary.levels, 'dependency level')}, critical path ${count(summary.criticalPath, 'call')}, widest level ${count(summary.maxWidth, 'call')}`;
}

/** What checking a plan or response found. */
export interface CheckedInput {
  /** Every problem: the response's malformed calls and the calls waiting on them, then validation's. */
  readonly issues: readonly Issue[];
  /** The summary of the calls that validated, when there were no issues. */
  readonly summary: PlanSummary | undefined;
  /** The plan value that was validated (a response's good calls as `{ calls }`). */
  readonly plan: unknown;
  /** The compiled plan, when there were no issues. */
  readonly valid: ValidPlan | undefined;
  /** Number of calls read (malformed ones included). */
  readonly calls: number;
}

/** Validates what `readPlanInput` read, as `run` would see it. */
export function checkInput(input: PlanInput, options: Parameters<typeof validatePlan>[1]): CheckedInput {
  const split = input.parsed === undefined ? undefined : responseCalls(input.parsed);
  const plan = split === undefined ? input.plan : { calls: split.calls };
  const result = validatePlan(plan, options);
  const issues = [...(split?.issues ?? []), ...result.issues];
  const calls = input.parsed?.items.length ?? result.plan?.calls.length ?? Number.NaN;
  const valid = issues.length === 0 ? result.plan : undefined;
  return { issues, summary: valid === undefined ? undefined : summarizePlan(valid), plan, valid, calls };
}

/** Runs `toolgraph validate`. */
export async function validateCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { json: { type: 'boolean', default: false }, 'max-calls': { type: 'string' }, format: { type: 'string', default: 'auto' }, tools: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing the plan file (use - for stdin)' : `expected one plan file, got ${positionals.length}`);
  const file = positionals[0] as string;
  const maxCalls = intOption('max-calls', values['max-calls']);
  const format = formatOption(values.format);
  const tools = values.tools === undefined ? undefined : await loadTools(values.tools, io.cwd);
  let input: PlanInput;
  try {
    input = await readPlanInput(file, format, io.stdin, tools === undefined ? {} : { namesFrom: tools });
  } catch (error) {
    // With --json, even unreadable input is answered in the documented JSON shape (bad usage is still exit 2).
    if (!values.json || !ToolgraphError.isInstance(error) || error.code === 'INVALID_OPTION') throw error;
    const issue = { code: error.code, message: error.message, ...(error.location === undefined ? {} : { location: error.location }) };
    writeLine(io.stdout, JSON.stringify({ valid: false, issues: [issue], summary: null }, null, 2));
    return 1;
  }
  const checked = checkInput(input, { ...(maxCalls === undefined ? {} : { maxCalls }), ...(tools === undefined ? {} : { tools }) });
  const valid = checked.issues.length === 0;
  if (values.json) {
    writeLine(io.stdout, JSON.stringify({ valid, issues: checked.issues, summary: checked.summary ?? null }, null, 2));
    return valid ? 0 : 1;
  }
  if (checked.summary !== undefined) {
    if (checked.summary.calls === 0) {
      const what = input.parsed === undefined ? 'the plan has no calls' : `no tool calls in ${input.source} (${input.format}): the model answered without tools`;
      writeLine(io.stdout, printable(`valid, but ${what}; nothing would run`));
    } else writeLine(io.stdout, summaryText(checked.summary));
    return 0;
  }
  for (const issue of checked.issues) writeLine(io.stdout, printable(`${issue.code} ${issue.message}`));
  writeLine(io.stderr, `${count(checked.issues.length, 'problem')} found`);
  return 1;
}
