/**
 * `toolgraph graph <file|->`: prints the DAG of a plan, or of a model response's calls, as
 * mermaid, dot or json, edges labelled.
 */
import { parseArgs } from 'node:util';
import { dryRun } from '../../schedule/dry-run.js';
import { loadTools } from '../load-tools.js';
import { buildGraph } from '../../graph/build-graph.js';
import { renderGraph, type GraphFormat } from '../../graph/render-graph.js';
import { UsageError, writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import { FORMAT_HELP, formatOption, INPUT_FORMATS, readPlanInput } from '../plan-input.js';
import { printable } from '../progress.js';
import { checkInput, intOption } from './validate.js';

/** Usage text of `toolgraph graph`. */
export const GRAPH_USAGE: string = `usage: toolgraph graph <file|-> [--output mermaid|dot|json] [--format F] [--tools M] [--max-calls N]

Prints the dependency graph of a plan or a model response's calls. Data edges are
labelled with the path they carry and where it goes; "after" edges are dotted.
  --output O         mermaid (default), dot or json (--format mermaid|dot|json
                     is read as --output too)
${FORMAT_HELP}
  --tools M          the tools module (as for run): reports unknown tools and bad
                     arguments, and draws the resource conflicts known before
                     running as dashed edges labelled with the resources
  --max-calls N      the most calls accepted (default 10000)
Exit: 0 printed, 1 invalid plan (or malformed calls), unreadable or not JSON, 2 bad
usage (a --format the input does not match, a --tools module that cannot be used).`;

const OUTPUTS: readonly GraphFormat[] = ['mermaid', 'dot', 'json'];

/** Runs `toolgraph graph`. */
export async function graphCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { output: { type: 'string', short: 'o' }, format: { type: 'string' }, 'max-calls': { type: 'string' }, tools: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing the plan file (use - for stdin)' : `expected one plan file, got ${positionals.length}`);
  // `--format mermaid|dot|json` named the output before the input formats came: the two sets do not overlap.
  const legacyOutput = values.format !== undefined && (OUTPUTS as readonly string[]).includes(values.format);
  const output = (values.output ?? (legacyOutput ? values.format : undefined) ?? 'mermaid') as GraphFormat;
  if (!OUTPUTS.includes(output)) throw new UsageError(`expected --output to be one of ${OUTPUTS.join(', ')}, got \`${output}\``);
  if (values.format !== undefined && !legacyOutput && !(INPUT_FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError(`expected --format to be an input format (${INPUT_FORMATS.join(', ')}) or an output (${OUTPUTS.join(', ')}), got \`${values.format}\``);
  }
  const format = formatOption(legacyOutput ? undefined : values.format);
  const file = positionals[0] as string;
  const maxCalls = intOption('max-calls', values['max-calls']);
  const tools = values.tools === undefined ? undefined : await loadTools(values.tools, io.cwd);
  const input = await readPlanInput(file, format, io.stdin, tools === undefined ? {} : { namesFrom: tools });
  const limits = maxCalls === undefined ? {} : { maxCalls };
  const checked = checkInput(input, { ...limits, ...(tools === undefined ? {} : { tools }) });
  const plan = checked.valid;
  if (plan === undefined) {
    for (const issue of checked.issues) writeLine(io.stdout, printable(`${issue.code} ${issue.message}`));
    writeLine(io.stderr, `${checked.issues.length} problem${checked.issues.length === 1 ? '' : 's'} found; no graph printed`);
    return 1;
  }
  if (plan.calls.length === 0) writeLine(io.stderr, printable(`note: no calls in ${input.source} (${input.format}): the graph is empty`));
  // With the tools, the resource conflicts known before running are drawn as dashed edges.
  const hazards = tools === undefined ? [] : dryRun(checked.plan, { tools, ...limits }).conflicts;
  writeLine(io.stdout, renderGraph(buildGraph(plan, hazards), output));
  return 0;
}
