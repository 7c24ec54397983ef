/**
 * `toolgraph run <plan|-> --tools <module>`: runs a plan with the tools a module exports,
 * with live progress on a terminal, plain lines elsewhere, or `--json`.
 */
import { format as formatText } from 'node:util';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openAtomicFile, type AtomicFile } from '../../observe/trace-file.js';
import { createTraceRecorder } from '../../observe/trace-recorder.js';
import { boundedJson } from '../../plan/bounded-json.js';
import { callDeps } from '../../plan/call-deps.js';
import { dryRun, type DryRunResult } from '../../schedule/dry-run.js';
import { planCalls, validatePlan } from '../../graph/validate.js';
import { APPROVAL_POLICY_NAMES, isApprovalPolicy, type ApprovalPolicy } from '../../schedule/policies/approval.js';
import { run } from '../../schedule/scheduler.js';
import { ToolgraphError, type Issue } from '../../errors.js';
import type { RunMetrics } from '../../schedule/events.js';
import type { Tool } from '../../tools/tool-types.js';
import { refusingApprover, terminalApprover, whyAsk, type CliApprover } from '../approver.js';
import { jsonText, UsageError, writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import { fileErrorText } from '../io.js';
import { loadTools } from '../load-tools.js';
import { connectMcpSources } from '../mcp-sources.js';
import { toolRegistry } from '../../tools/define-tool.js';
import { FORMAT_HELP, formatOption, readPlanInput, responseCalls } from '../plan-input.js';
import { formatMs, printable, ProgressView } from '../progress.js';
import { intOption } from './validate.js';

/** Usage text of `toolgraph run`. */
export const RUN_USAGE: string = `usage: toolgraph run <plan|-> --tools <module> [options]

Runs a plan: every call starts as soon as its inputs are ready.
  --tools M          ES module whose default export is an array of tools
                     or a record from name to tool (required unless --mcp/--mcp-url)
  --mcp "CMD"        also use the tools of the MCP server this command starts
                     (stdio; repeatable; needs @modelcontextprotocol/sdk)
  --mcp-url URL      also use the tools of an MCP server over Streamable HTTP (repeatable)
  --concurrency N    calls running at once (default 8)
  --timeout MS       per-call timeout unless the tool sets one (default 30000)
${FORMAT_HELP}
  --trace FILE       write an RL-style JSONL trace of the run (see toolgraph report)
  --require-approval P
                     which calls ask before they run: destructive (default),
                     writes or none; asked at the terminal, refused when there is
                     no terminal (plan read from stdin, or not interactive)
  -y, --yes          run every call without asking
                     (at the terminal: y runs the call, a runs every call of
                     that tool, anything else refuses it)
  --dry-run          run nothing: print the dependency levels, the resource
                     conflicts known before running, the calls that would ask for
                     approval, and the calls a response got wrong
  --show             after the run, print each call's filled args and its result
                     or error (clipped to 200 characters each)
  --json             print { "calls": {...}, "metrics": {...} } on stdout, calls keyed
                     by the provider's call ids (console output of tools goes to stderr)
Tools that declare no effects are named before the run: they count as destructive
writes (they ask for approval and run one at a time).
Exit: 0 every call succeeded (or there was no call), 1 some did not (failed, skipped,
refused), 2 a plan that cannot be read, parsed or validated, a --format the input
does not match, or bad usage.
A canonical plan is validated first (exit 2 when invalid); in provider formats a
malformed call ends failed with its code and the other calls still run.`;

/** Runs `toolgraph run`. */
export async function runCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      tools: { type: 'string' },
      concurrency: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean', default: false },
      format: { type: 'string', default: 'auto' },
      trace: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      show: { type: 'boolean', default: false },
      'require-approval': { type: 'string', default: 'destructive' },
      yes: { type: 'boolean', short: 'y', default: false },
      mcp: { type: 'string', multiple: true },
      'mcp-url': { type: 'string', multiple: true },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing the plan file (use - for stdin)' : `expected one plan file, got ${positionals.length}`);
  const mcpCommands = values.mcp ?? [];
  const mcpUrls = values['mcp-url'] ?? [];
  if (values.tools === undefined && mcpCommands.length === 0 && mcpUrls.length === 0) throw new UsageError('missing --tools <module> (or --mcp / --mcp-url)');
  const concurrency = intOption('concurrency', values.concurrency);
  const timeoutMs = intOption('timeout', values.timeout);
  const file = positionals[0] as string;
  const format = formatOption(values.format);
  const policy = values['require-approval'];
  if (typeof policy !== 'string' || !isApprovalPolicy(policy)) {
    throw new UsageError(`expected --require-approval to be ${APPROVAL_POLICY_NAMES.join(', ')}, got \`${String(policy)}\``);
  }
  const checkedPolicy: ApprovalPolicy = policy;
  const mcp = await connectMcpSources(mcpCommands, mcpUrls);
  try {
    return await runWith(mcp.tools, values.tools === undefined ? new Map() : await loadTools(values.tools, io.cwd));
  } finally {
    await mcp.close();
  }
  async function runWith(mcpTools: readonly Tool[], moduleTools: ReadonlyMap<string, Tool>): Promise<ExitCode> {
    const policy = checkedPolicy;
    const tools = mcpTools.length === 0 ? moduleTools : toolRegistry([...moduleTools.values(), ...mcpTools]);
    const read = await readPlanInput(file, format, io.stdin, { namesFrom: tools });
    // A canonical plan is checked strictly; a provider's response goes through its format.
    const parsed = read.parsed;
    const input: unknown = parsed === undefined ? read.plan : parsed.items;
    const callCount = parsed === undefined ? (planCalls(input).calls?.length ?? -1) : parsed.items.length;
    if (callCount === 0) {
      // Nothing to run is said plainly, not as "0/0 succeeded".
      const said = parsed?.text === undefined || parsed.text === '' ? '' : `; the model wrote: ${clip(parsed.text)}`;
      if (values.json) writeLine(io.stdout, jsonText({ calls: {}, metrics: null }));
      else writeLine(io.stdout, printable(`no tool calls in ${read.source} (${read.format}): nothing to run${said}`));
      return 0;
    }
    if (values['dry-run']) {
      const requireApproval = values.yes ? 'none' : policy;
      // A response's malformed calls are reported as a run would end them; the rest are planned.
      const split = parsed === undefined ? undefined : responseCalls(parsed);
      const report = dryRun(split === undefined ? input : { calls: split.calls }, { tools, requireApproval });
      const wouldFail = split?.issues ?? [];
      if (values.json) writeLine(io.stdout, jsonText({ ...report, wouldFail }));
      else printDryRun(report, wouldFail, io);
      return !report.valid ? 2 : wouldFail.length > 0 ? 1 : 0;
    }
    let plan: unknown = input;
    if (parsed === undefined) {
      const validation = validatePlan(input, { tools });
      if (!validation.valid) {
        for (const issue of validation.issues) writeLine(io.stderr, `${issue.code} ${issue.message}`);
        writeLine(io.stderr, `${validation.issues.length} problem${validation.issues.length === 1 ? '' : 's'} found; nothing was run`);
        return 2;
      }
      plan = validation.plan;
    }
    // Opened before anything runs, so a bad path is a usage error, not a run thrown away.
    const traceFile = values.trace === undefined ? undefined : await openTrace(values.trace, io.cwd);
    const trace = traceFile === undefined ? undefined : createTraceRecorder();
    if (trace !== undefined) {
      trace.beginTurn();
      const calls = parsed === undefined ? (planCalls(input).calls ?? []) : parsed.items;
      trace.recordAssistantMessage({ toolCalls: calls.map((c) => ({ id: (c as { id: string }).id, deps: callDeps(c) })), ...(parsed?.text === undefined ? {} : { content: parsed.text }) });
    }
    const live = !values.json && io.stdout.isTTY === true;
    const ids = (parsed === undefined ? (planCalls(input).calls ?? []) : parsed.items).map((c) => (c as { id?: unknown }).id).filter((id): id is string => typeof id === 'string');
    const progress = values.json ? undefined : new ProgressView(io.stdout, { live, ids });
    // A tool that declares nothing counts as a destructive write: said before anything runs.
    const undeclared = undeclaredTools(tools, parsed === undefined ? (planCalls(input).calls ?? []) : parsed.items);
    for (const name of undeclared) writeLine(io.stderr, `note: ${whyAsk(name, undeclared)}.`);
    const approver = approverFor(values.yes ? 'none' : policy, file !== '-' && io.stdin.isTTY === true, io, progress, undeclared);
    const controller = new AbortController();
    // Interrupted (SIGINT / SIGTERM): cancel the run, keep what ran in the trace, exit 130 / 143.
    // A run whose tools honour the abort ends at once and the normal path below commits the
    // trace; if it has not ended one turn of the event loop later, what was recorded is committed
    // here and the process exits (a tool that ignores its signal cannot hold the exit back).
    let interrupted: NodeJS.Signals | undefined;
    let runEnded = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      interrupted ??= signal;
      controller.abort();
      setImmediate(() => {
        if (runEnded) return;
        progress?.stop();
        if (trace !== undefined && traceFile !== undefined) {
          trace.recordRejoin();
          traceFile.commitSync(trace.toJsonl());
        }
        writeLine(io.stderr, interruptedText(signal, values.trace));
        process.exit(signalExitCode(signal));
      });
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    // With --json, stdout is the JSON document: what tools print goes to stderr meanwhile.
    const restoreConsole = values.json ? consoleTo(io.stderr) : undefined;
    let result;
    try {
      result = await run(plan, {
        tools,
        signal: controller.signal,
        ...(approver === undefined ? {} : { approve: approver.approve, requireApproval: policy }),
        ...(concurrency === undefined ? {} : { concurrency }),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        ...(progress === undefined && trace === undefined
          ? {}
          : {
              onEvent: (e) => {
                trace?.record(e);
                progress?.update(e);
              },
            }),
      });
    } finally {
      runEnded = true;
      restoreConsole?.();
      approver?.close();
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      progress?.stop();
      // A run that threw leaves an existing trace as it was.
      if (result === undefined) await traceFile?.discard();
    }
    if (trace !== undefined && traceFile !== undefined) {
      trace.recordRejoin();
      try {
        await traceFile.commit(trace.toJsonl());
      } finally {
        await traceFile.discard();
      }
    }
    const providerId = (id: string): string => (parsed === undefined ? id : parsed.ids.providerId(id));
    const ok = result.order.every((id) => result.calls[id]?.status === 'succeeded');
    if (values.json) {
      const calls = Object.create(null) as Record<string, unknown>;
      for (const id of result.order) {
        const c = result.calls[id];
        if (c === undefined) continue;
        calls[providerId(id)] = {
          status: c.status,
          tool: c.tool,
          args: c.args,
          ...(c.status === 'succeeded' ? { result: c.result } : {}),
          ...(c.error === undefined ? {} : { error: c.error }),
          startedMs: c.startedMs ?? null,
          endedMs: c.endedMs ?? null,
        };
      }
      writeLine(io.stdout, jsonText({ calls, metrics: result.metrics, diagnostics: result.diagnostics }));
    } else {
      if (values.show) {
        for (const id of result.order) {
          const c = result.calls[id];
          if (c === undefined) continue;
          writeLine(io.stdout, printable(`${providerId(id)} ${c.tool} ${clip(shownJson(c.args))}`));
          const outcome = c.status === 'succeeded' ? clip(shownJson(c.result)) : `${c.status}${c.error === undefined ? '' : `: ${c.error.code}: ${clip(c.error.message)}`}`;
          writeLine(io.stdout, printable(`  → ${outcome}`));
        }
      }
      writeLine(io.stdout, summaryLine(result.metrics));
      // What to act on, after the summary (ids are the model's: escaped).
      for (const d of result.diagnostics) writeLine(io.stdout, printable(`${d.code} ${d.message}. Fix: ${d.fix}`));
    }
    if (interrupted !== undefined) {
      writeLine(io.stderr, interruptedText(interrupted, values.trace));
      return signalExitCode(interrupted);
    }
    return ok ? 0 : 1;
  }
}

/** A value as JSON for `--show`: never throws (cycles, throwing getters and deep values are marked). */
function shownJson(value: unknown): string {
  const text = boundedJson(value, { onProblem: 'mark' });
  return typeof text === 'string' ? text : text === undefined ? 'undefined' : `(unreadable: ${text.message})`;
}

/** The exit code of a run interrupted by `signal`: 128 + its number (130 for SIGINT, 143 for SIGTERM). */
function signalExitCode(signal: NodeJS.Signals): 130 | 143 {
  return signal === 'SIGINT' ? 130 : 143;
}

function interruptedText(signal: NodeJS.Signals, tracePath: string | undefined): string {
  return `interrupted by ${signal}${tracePath === undefined ? '' : `: the trace of what ran is in ${tracePath}`}`;
}

/**
 * Prepares the trace file: written atomically at the end (a temporary file in the same
 * directory, then a rename). A path that cannot be written is `INVALID_OPTION` (exit 2).
 */
async function openTrace(path: string, cwd: string): Promise<AtomicFile> {
  try {
    return await openAtomicFile(resolve(cwd, path));
  } catch (error) {
    throw new ToolgraphError('INVALID_OPTION', `--trace ${path}: cannot write: ${fileErrorText(error, 'no such directory')}`);
  }
}

/**
 * Who answers approvals: nobody is needed under `none` (or `--yes`); a person when the plan
 * did not come on stdin and stdin is a terminal; otherwise the calls that need one are refused.
 */
function approverFor(policy: ApprovalPolicy, terminal: boolean, io: CliIo, progress: ProgressView | undefined, undeclared: ReadonlySet<string>): CliApprover | undefined {
  if (policy === 'none') return undefined;
  if (!terminal) return refusingApprover(undeclared);
  return terminalApprover({ input: io.stdin, output: io.stderr, undeclared, beforeAsk: () => progress?.suspend(), afterAsk: () => progress?.resume() });
}

/** The tools the calls use that declare no `effects`, in order of first use. */
function undeclaredTools(tools: ReadonlyMap<string, Tool>, calls: readonly unknown[]): ReadonlySet<string> {
  const names = new Set<string>();
  for (const call of calls) {
    const name = (call as { tool?: unknown } | null)?.tool;
    if (typeof name !== 'string') continue;
    const tool = tools.get(name);
    if (tool !== undefined && tool.effects === undefined) names.add(name);
  }
  return names;
}

/** Most characters of args, results and messages shown by `--show`. */
const MAX_SHOWN = 200;

function clip(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/** `1 call`, `2 calls`. */
function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The run's last line, every figure with its unit: counts by status, the wall time, the
 * critical path (in ms, and in calls on it), the dependency depth (calls on the longest chain
 * that ran) and the most calls at once.
 */
export function summaryLine(m: RunMetrics): string {
  const others = ([['failed', m.failed], ['skipped', m.skipped], ['cancelled', m.cancelled], ['rejected', m.rejected]] as const).filter(([, n]) => n > 0).map(([word, n]) => `, ${n} ${word}`).join('');
  return (
    `${m.succeeded}/${m.calls} succeeded${others} in ${formatMs(m.makespanMs)}; ` +
    `critical path ${formatMs(m.criticalPathMs)} (wall time ÷ critical path ${m.makespanOverCriticalPath.toFixed(3)}), ` +
    `dependency depth ${count(m.dependencyDepth, 'call')}, up to ${count(m.maxParallelism, 'call')} at once`
  );
}

/** Sends `console.log`, `info` and `debug` to `stream` until the returned function is called. */
function consoleTo(stream: NodeJS.WritableStream): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug };
  const write = (...args: unknown[]): void => writeLine(stream, formatText(...args));
  console.log = write;
  console.info = write;
  console.debug = write;
  return () => {
    console.log = saved.log;
    console.info = saved.info;
    console.debug = saved.debug;
  };
}

function printDryRun(report: DryRunResult, wouldFail: readonly Issue[], io: CliIo): void {
  if (!report.valid) {
    for (const issue of report.issues) writeLine(io.stderr, printable(`${issue.code} ${issue.message}`));
    return;
  }
  report.rounds.forEach((ids, i) => writeLine(io.stdout, printable(`level ${i + 1}${i === 0 ? ' (needs nothing)' : ''}: ${ids.join(', ')}`)));
  for (const c of report.conflicts) writeLine(io.stdout, printable(`conflict: ${c.to} waits for ${c.from} (${c.resources.join(', ')})`));
  if (report.unknownResources.length > 0) writeLine(io.stdout, printable(`resources known only at run time: ${report.unknownResources.join(', ')}`));
  writeLine(io.stdout, printable(report.wouldAsk.length > 0 ? `would ask for approval: ${report.wouldAsk.join(', ')}` : 'no call would ask for approval'));
  for (const issue of wouldFail) writeLine(io.stdout, printable(issue.code === 'SKIPPED' ? `would skip: ${issue.message}` : `would fail: ${issue.code} ${issue.message}`));
}
