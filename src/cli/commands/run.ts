/**
 * `toolgraph run <plan|-> --tools <module>`: runs a plan with the tools a module exports,
 * with live progress on a terminal, plain lines elsewhere, or `--json`.
 */
import { format as formatText } from 'node:util';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAny, type DetectedFormat } from '../../formats/detect-format.js';
import { FORMAT_NAMES } from '../../formats/format-types.js';
import { openAtomicFile, type AtomicFile } from '../../observe/trace-file.js';
import { createTraceRecorder } from '../../observe/trace-recorder.js';
import { callDeps } from '../../plan/call-deps.js';
import { dryRun, type DryRunResult } from '../../schedule/dry-run.js';
import { planCalls, validatePlan } from '../../graph/validate.js';
import { APPROVAL_POLICY_NAMES, isApprovalPolicy, type ApprovalPolicy } from '../../schedule/policies/approval.js';
import { run } from '../../schedule/scheduler.js';
import { ToolgraphError } from '../../errors.js';
import { refusingApprover, terminalApprover, type CliApprover } from '../approver.js';
import { jsonText, UsageError, writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import { fileErrorText, parseJson, readInput } from '../io.js';
import { loadTools } from '../load-tools.js';
import { formatMs, ProgressView } from '../progress.js';
import { intOption } from './validate.js';

/** Usage text of `toolgraph run`. */
export const RUN_USAGE = `usage: toolgraph run <plan|-> --tools <module> [options]

Runs a plan: every call starts as soon as its inputs are ready.
  --tools M          ES module whose default export is an array of tools
                     or a record from name to tool (required)
  --concurrency N    calls running at once (default 8)
  --timeout MS       per-call timeout unless the tool sets one (default 30000)
  --format F         auto (default), plan, openai-chat, openai-responses, anthropic,
                     gemini, llmcompiler, nestful, seal-tools (whole or recorded streams)
  --trace FILE       write an RL-style JSONL trace of the run (see toolgraph report)
  --require-approval P
                     which calls ask before they run: destructive (default),
                     writes or none; asked at the terminal, refused when there is
                     no terminal (plan read from stdin, or not interactive)
  -y, --yes          run every call without asking
  --dry-run          run nothing: print the rounds, the resource conflicts known
                     before running, and the calls that would ask for approval
  --json             print { "calls": {...}, "metrics": {...} } on stdout, calls keyed
                     by the provider's call ids (console output of tools goes to stderr)
Exit: 0 every call succeeded, 1 some did not (failed, skipped, refused), 2 a plan
that cannot be read, parsed or validated, or bad usage.
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
      'require-approval': { type: 'string', default: 'destructive' },
      yes: { type: 'boolean', short: 'y', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing the plan file (use - for stdin)' : `expected one plan file, got ${positionals.length}`);
  if (values.tools === undefined) throw new UsageError('missing --tools <module>');
  const concurrency = intOption('concurrency', values.concurrency);
  const timeoutMs = intOption('timeout', values.timeout);
  const file = positionals[0] as string;
  const format = values.format as string;
  if (format !== 'auto' && format !== 'plan' && !(FORMAT_NAMES as readonly string[]).includes(format)) {
    throw new UsageError(`expected --format to be auto, plan or one of ${FORMAT_NAMES.join(', ')}, got \`${format}\``);
  }
  const policy = values['require-approval'];
  if (typeof policy !== 'string' || !isApprovalPolicy(policy)) {
    throw new UsageError(`expected --require-approval to be ${APPROVAL_POLICY_NAMES.join(', ')}, got \`${String(policy)}\``);
  }
  const text = await readInput(file, io.stdin);
  const source = file === '-' ? 'stdin' : file;
  const tools = await loadTools(values.tools, io.cwd);
  // A canonical plan is checked strictly; a provider's response goes through its format.
  let input: unknown;
  let parsed: ReturnType<typeof parseAny> | undefined;
  // Empty input says so (as a plan) rather than listing every format it is not.
  if (format === 'plan' || isBlank(text) || (format === 'auto' && looksLikePlan(text))) {
    input = parseJson(text, source);
  } else {
    parsed = parseAny(text, { format: format as DetectedFormat | 'auto' });
    input = parsed.items;
  }
  if (values['dry-run']) {
    const report = dryRun(input, { tools, requireApproval: values.yes ? 'none' : policy });
    if (values.json) writeLine(io.stdout, jsonText(report));
    else printDryRun(report, io);
    return report.valid ? 0 : 2;
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
  const approver = approverFor(values.yes ? 'none' : policy, file !== '-' && io.stdin.isTTY === true, io, progress);
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
    writeLine(io.stdout, jsonText({ calls, metrics: result.metrics }));
  } else {
    const m = result.metrics;
    writeLine(
      io.stdout,
      `${m.succeeded}/${m.calls} succeeded${m.failed ? `, ${m.failed} failed` : ''}${m.skipped ? `, ${m.skipped} skipped` : ''}${m.cancelled ? `, ${m.cancelled} cancelled` : ''}${m.rejected ? `, ${m.rejected} rejected` : ''} in ${formatMs(m.makespanMs)}; critical path ${formatMs(m.criticalPathMs)} (ratio ${m.makespanOverCriticalPath.toFixed(3)}), dependency depth ${m.rounds}, up to ${m.maxParallelism} at once`,
    );
  }
  if (interrupted !== undefined) {
    writeLine(io.stderr, interruptedText(interrupted, values.trace));
    return signalExitCode(interrupted);
  }
  return ok ? 0 : 1;
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
function approverFor(policy: ApprovalPolicy, terminal: boolean, io: CliIo, progress: ProgressView | undefined): CliApprover | undefined {
  if (policy === 'none') return undefined;
  if (!terminal) return refusingApprover();
  return terminalApprover({ input: io.stdin, output: io.stderr, beforeAsk: () => progress?.suspend(), afterAsk: () => progress?.resume() });
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

function isBlank(text: string): boolean {
  return text.replace(/^\uFEFF/, '').trim() === '';
}

/** True when text is a canonical plan: `{ "calls": [...] }` or an array of `{ id, tool, args }`. */
function looksLikePlan(text: string): boolean {
  const head = text.trimStart().replace(/^\uFEFF/, '').slice(0, 4096);
  if (/^\{\s*"calls"\s*:/.test(head)) return true;
  return /^\[\s*\{/.test(head) && /"tool"\s*:/.test(head) && /"args"\s*:/.test(head);
}

function printDryRun(report: DryRunResult, io: CliIo): void {
  if (!report.valid) {
    for (const issue of report.issues) writeLine(io.stderr, `${issue.code} ${issue.message}`);
    return;
  }
  report.rounds.forEach((ids, i) => writeLine(io.stdout, `round ${i + 1}: ${ids.join(', ')}`));
  for (const c of report.conflicts) writeLine(io.stdout, `conflict: ${c.to} waits for ${c.from} (${c.resources.join(', ')})`);
  if (report.unknownResources.length > 0) writeLine(io.stdout, `resources known only at run time: ${report.unknownResources.join(', ')}`);
  writeLine(io.stdout, report.wouldAsk.length > 0 ? `would ask for approval: ${report.wouldAsk.join(', ')}` : 'no call would ask for approval');
}
