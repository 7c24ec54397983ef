/**
 * `toolgraph graph <file|-> --format mermaid|dot|json`: prints the plan's DAG, edges labelled.
 */
import { parseArgs } from 'node:util';
import { dryRun } from '../../schedule/dry-run.js';
import { loadTools } from '../load-tools.js';
import { buildGraph } from '../../graph/build-graph.js';
import { renderGraph, type GraphFormat } from '../../graph/render-graph.js';
import { validatePlan } from '../../graph/validate.js';
import { UsageError, writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import { parseJson, readInput } from '../io.js';
import { intOption } from './validate.js';

/** Usage text of `toolgraph graph`. */
export const GRAPH_USAGE = `usage: toolgraph graph <file|-> [--format mermaid|dot|json] [--tools M] [--max-calls N]

Prints the plan's dependency graph. Data edges are labelled with the path they
carry and where it goes; "after" edges are dotted.
  --format F      mermaid (default), dot or json
  --tools M       the tools module (as for run): adds the resource conflicts known
                  before running as dashed edges labelled with the resources
  --max-calls N   the most calls accepted (default 10000)
Exit: 0 printed, 1 invalid plan, unreadable or not JSON, 2 bad usage or a --tools
module that cannot be used.`;

const FORMATS: readonly GraphFormat[] = ['mermaid', 'dot', 'json'];

/** Runs `toolgraph graph`. */
export async function graphCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { format: { type: 'string', default: 'mermaid' }, 'max-calls': { type: 'string' }, tools: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing the plan file (use - for stdin)' : `expected one plan file, got ${positionals.length}`);
  const format = values.format as GraphFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`expected --format to be one of ${FORMATS.join(', ')}, got \`${values.format}\``);
  const file = positionals[0] as string;
  const maxCalls = intOption('max-calls', values['max-calls']);
  const input = parseJson(await readInput(file, io.stdin), file === '-' ? 'stdin' : file);
  const result = validatePlan(input, maxCalls === undefined ? {} : { maxCalls });
  if (result.plan === undefined) {
    for (const issue of result.issues) writeLine(io.stdout, `${issue.code} ${issue.message}`);
    writeLine(io.stderr, `${result.issues.length} problem${result.issues.length === 1 ? '' : 's'} found; no graph printed`);
    return 1;
  }
  // With the tools, the resource conflicts known before running are drawn as dashed edges.
  const hazards = values.tools === undefined ? [] : dryRun(input, { tools: await loadTools(values.tools, io.cwd), ...(maxCalls === undefined ? {} : { maxCalls }) }).conflicts;
  writeLine(io.stdout, renderGraph(buildGraph(result.plan, hazards), format));
  return 0;
}
