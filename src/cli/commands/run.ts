/**
 * `toolgraph run <plan|-> --tools <module>`: runs a plan with the tools a module exports,
 * with live progress on a terminal, plain lines elsewhere, or `--json`.
 */
import { parseArgs } from 'node:util';
import { validatePlan } from '../../graph/validate.js';
import { run } from '../../schedule/scheduler.js';
import { UsageError, writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import { parseJson, readInput } from '../io.js';
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
  --json             print { "calls": {...}, "metrics": {...} } on stdout
Exit: 0 every call succeeded, 1 some did not, 2 invalid plan or bad usage.`;

/** Runs `toolgraph run`. */
export async function runCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      tools: { type: 'string' },
      concurrency: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing the plan file (use - for stdin)' : `expected one plan file, got ${positionals.length}`);
  if (values.tools === undefined) throw new UsageError('missing --tools <module>');
  const concurrency = intOption('concurrency', values.concurrency);
  const timeoutMs = intOption('timeout', values.timeout);
  const file = positionals[0] as string;
  const input = parseJson(await readInput(file, io.stdin), file === '-' ? 'stdin' : file);
  const tools = await loadTools(values.tools, io.cwd);
  const validation = validatePlan(input, { tools });
  if (!validation.valid) {
    for (const issue of validation.issues) writeLine(io.stderr, `${issue.code} ${issue.message}`);
    writeLine(io.stderr, `${validation.issues.length} problem${validation.issues.length === 1 ? '' : 's'} found; nothing was run`);
    return 2;
  }
  const live = !values.json && io.stdout.isTTY === true;
  const progress = values.json ? undefined : new ProgressView(io.stdout, { live });
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  let result;
  try {
    result = await run(validation.plan ?? input, {
      tools,
      signal: controller.signal,
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(progress === undefined ? {} : { onEvent: (e) => progress.update(e) }),
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
    progress?.stop();
  }
  const ok = result.order.every((id) => result.calls[id]?.status === 'succeeded');
  if (values.json) {
    const calls = Object.create(null) as Record<string, unknown>;
    for (const id of result.order) {
      const c = result.calls[id];
      if (c === undefined) continue;
      calls[id] = {
        status: c.status,
        tool: c.tool,
        args: c.args,
        ...(c.status === 'succeeded' ? { result: c.result } : {}),
        ...(c.error === undefined ? {} : { error: c.error }),
        startedMs: c.startedMs ?? null,
        endedMs: c.endedMs ?? null,
      };
    }
    writeLine(io.stdout, JSON.stringify({ calls, metrics: result.metrics }, null, 2));
  } else {
    const m = result.metrics;
    writeLine(
      io.stdout,
      `${m.succeeded}/${m.calls} succeeded${m.failed ? `, ${m.failed} failed` : ''}${m.skipped ? `, ${m.skipped} skipped` : ''}${m.cancelled ? `, ${m.cancelled} cancelled` : ''}${m.rejected ? `, ${m.rejected} rejected` : ''} in ${formatMs(m.makespanMs)}; critical path ${formatMs(m.criticalPathMs)} (ratio ${m.makespanOverCriticalPath.toFixed(3)}), ${m.rounds} rounds, up to ${m.maxParallelism} at once`,
    );
  }
  return ok ? 0 : 1;
}
