/**
 * `toolgraph report <trace.jsonl|-> [--json] [--width N]`: the metrics of a recorded trace and a
 * timeline, one bar per call.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ToolgraphError } from '../../errors.js';
import { chromeTrace } from '../../report/chrome-trace.js';
import { renderHtmlReport } from '../../report/html-report.js';
import { buildReportModel } from '../../report/report-model.js';
import { fileErrorText } from '../io.js';
import { analyzeTrace, type TraceAnalysis } from '../../observe/analyze-trace.js';
import { renderTimeline } from '../../observe/timeline.js';
import { parseTrace } from '../../observe/trace-jsonl.js';
import { formatMs } from '../progress.js';
import { jsonText, UsageError, writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import { readInput } from '../io.js';
import { intOption } from './validate.js';

/** Usage text of `toolgraph report`. */
export const REPORT_USAGE = `usage: toolgraph report <trace.jsonl|-> [--json] [--width N] [--html FILE] [--chrome-trace FILE]

Prints a trace's parallelization, sequential rounds, run metrics (makespan,
critical path, stragglers, rejoin latency, waste) and a timeline, one bar per call.
A batch is the calls one model turn asked for; a sequential round is one wait of
the model for tool results; the dependency depth is the most calls on one chain
of inputs (what toolgraph run's summary prints as its dependency depth).
  --json       print the analysis as JSON
  --width N    line width of the timeline (default: the terminal's, else 80)
  --html FILE  also write the report as one self-contained HTML page: timeline,
               why each call waited, the DAG of each turn, metrics
  --chrome-trace FILE
               also write Trace Event JSON for ui.perfetto.dev or chrome://tracing
Exit: 0 printed, 1 unreadable or malformed trace, 2 bad usage.`;

/** Runs `toolgraph report`. */
export async function reportCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { json: { type: 'boolean', default: false }, width: { type: 'string' }, html: { type: 'string' }, 'chrome-trace': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing the trace file (use - for stdin)' : `expected one trace file, got ${positionals.length}`);
  const width = intOption('width', values.width, 20);
  const file = positionals[0] as string;
  const entries = parseTrace(await readInput(file, io.stdin), { source: file === '-' ? 'stdin' : file });
  const analysis = analyzeTrace(entries);
  if (values.html !== undefined || values['chrome-trace'] !== undefined) {
    const model = buildReportModel(entries);
    if (values.html !== undefined) await writeReportFile('--html', values.html, io.cwd, renderHtmlReport(model));
    if (values['chrome-trace'] !== undefined) await writeReportFile('--chrome-trace', values['chrome-trace'], io.cwd, JSON.stringify(chromeTrace(model)));
  }
  if (values.json) {
    writeLine(io.stdout, jsonText(analysis));
    return 0;
  }
  const columns = io.stdout.isTTY === true && typeof io.stdout.columns === 'number' && io.stdout.columns > 0 ? io.stdout.columns : 80;
  for (const line of reportLines(analysis, width ?? columns)) writeLine(io.stdout, line);
  return 0;
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

function ratio(x: number): string {
  return `${x.toFixed(2)}×`;
}

/** The report's text lines. */
export function reportLines(analysis: TraceAnalysis, width: number): string[] {
  const { metrics: m, parallelization: p, sequentialRounds: rounds } = analysis;
  const statuses = Object.entries(m.byStatus)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const lines = [
    `calls        ${p.total_calls}${statuses === '' ? '' : ` (${statuses})`} in ${analysis.turns} model turn${analysis.turns === 1 ? '' : 's'}`,
    // A batch is what the model asked for in one turn; parallelism below is what actually ran at once.
    `batches      ${p.num_batches} ${plural(p.num_batches, 'batch', 'batches')}, one per model turn that asked for tools: [${p.calls_per_batch.join(', ')}] calls, largest ${p.max_parallelism}`,
    // Two different "rounds": how often the model waited for tools, and how deep the calls' dependencies went.
    `rounds       ${rounds} sequential ${plural(rounds, 'round', 'rounds')}: the model waited for tool results ${rounds === 1 ? 'once' : `${rounds} times`}`,
    `depth        dependency depth ${m.dependencyDepth} ${plural(m.dependencyDepth, 'call', 'calls')} (on the longest chain that ran, as toolgraph run prints it)`,
    `makespan     ${formatMs(m.makespanMs)}; critical path ${formatMs(m.criticalPathMs)} (makespan / critical path ${ratio(m.makespanOverCriticalPath)})`,
    `parallelism  at most ${m.maxParallelism} call${m.maxParallelism === 1 ? '' : 's'} running at once`,
  ];
  if (m.slowest !== undefined) {
    const list = m.stragglers.length === 0 ? 'no stragglers' : `stragglers: ${m.stragglers.map((s) => `${s.id} ${ratio(s.ratio)}`).join(', ')}`;
    lines.push(`durations    median ${formatMs(m.medianDurationMs)}, slowest ${m.slowest.id} ${formatMs(m.slowest.durationMs)} (${ratio(m.slowest.ratio)} median); ${list}`);
  }
  if (m.rejoinLatencyMs !== undefined) lines.push(`rejoin       ${formatMs(m.rejoinLatencyMs)} waited after the last needed result (${m.rejoins.length} rejoin${m.rejoins.length === 1 ? '' : 's'})`);
  lines.push(m.waste.length === 0 ? 'waste        none' : `waste        ${m.waste.length} call${m.waste.length === 1 ? '' : 's'}, ${formatMs(m.wastedMs)}: ${m.waste.map((w) => `${w.id} (${w.reason})`).join(', ')}`);
  const unanswered = analysis.calls.filter((c) => c.unanswered).length;
  if (unanswered > 0) lines.push(`unanswered   ${unanswered} call${unanswered === 1 ? '' : 's'} without a tool_response`);
  if (analysis.calls.length > 0) {
    lines.push('', 'timeline (ms from the first call\'s start)');
    lines.push(
      ...renderTimeline(
        analysis.calls.map((c) => ({
          label: c.tool ?? '?',
          note: c.id,
          ...(c.startedMs === undefined ? {} : { startedMs: c.startedMs }),
          ...(c.endedMs === undefined ? {} : { endedMs: c.endedMs }),
          ...(c.status === undefined ? {} : { status: c.status }),
        })),
        { width },
      ),
    );
  } else lines.push('', 'no tool calls in the trace');
  return lines;
}

/** Writes one of the report's files; a path that cannot be written is `INVALID_OPTION` (exit 2). */
async function writeReportFile(flag: string, path: string, cwd: string, text: string): Promise<void> {
  try {
    await writeFile(resolve(cwd, path), text);
  } catch (error) {
    throw new ToolgraphError('INVALID_OPTION', `${flag} ${path}: cannot write: ${fileErrorText(error, 'no such directory')}`);
  }
}
