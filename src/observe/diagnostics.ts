/**
 * Diagnostics of a finished run: facts a person should act on, each with a stable code, a
 * message and a fix. Computed from the run's records and the wait counts the engine kept (see
 * `call_waiting`), on first read of `RunResult.diagnostics`, so a run that nobody asks about
 * pays nothing for them.
 */
import type { RunMetrics } from '../schedule/events.js';
import type { CallRecord, RunResult } from '../schedule/run-result.js';
import type { Tool } from '../tools/tool-types.js';

/** Stable codes of {@link Diagnostic}. */
export type DiagnosticCode =
  | 'SERIALIZED_BY_DEFAULT_EFFECTS'
  | 'SERIALIZED_BY_TOOL_RESOURCE'
  | 'CAP_BOUND'
  | 'TOOL_CAP_BOUND'
  | 'RATE_LIMITED'
  | 'STRAGGLER'
  | 'APPROVAL_WAIT';

/** A fact about a run that a person should act on. */
export interface Diagnostic {
  /** Stable code. */
  readonly code: DiagnosticCode;
  /** What happened, in one sentence. */
  readonly message: string;
  /** What to change. */
  readonly fix: string;
  /** The tool concerned, when there is one. */
  readonly tool?: string;
  /** The calls concerned (at most 20 ids). */
  readonly calls?: readonly string[];
}

/** What the engine counted about waits while the run went. */
export interface WaitFacts {
  /** Tool name → how many times one of its calls was parked behind a conflicting call. */
  readonly parkedByTool: Map<string, number>;
  /** `global`, `tool:<name>` or `rate:<name>` → calls held back by that cap or rate limit (counted only with a listener). */
  readonly heldBy: Map<string, number>;
  /** Time calls waited for a person's approval, summed. */
  approvalWaitMs: number;
}

/** What {@link diagnoseRun} reads. */
export interface DiagnoseInput {
  /** The calls, in arrival order. */
  readonly calls: readonly CallRecord[];
  /** The run's metrics. */
  readonly metrics: RunMetrics;
  /** The run's tools by name. */
  readonly tools: ReadonlyMap<string, Pick<Tool, 'name' | 'effects' | 'resources' | 'concurrency' | 'rateLimit' | 'hedge' | 'resolvedEffects'>>;
  /** The run's global concurrency. */
  readonly concurrency: number;
  /** The engine's wait counts. */
  readonly waits: WaitFacts;
  /** A call slower than this many times the median is a straggler. @default 3 */
  readonly stragglerFactor?: number;
}

/** Share of the run the slots must be full for a cap to be reported. */
const SATURATED_SHARE = 0.5;
/** Calls that must have run before stragglers are looked for. */
const MIN_CALLS_FOR_STRAGGLERS = 4;
/** Most stragglers reported. */
const MAX_STRAGGLERS = 3;
/** Most ids listed in one diagnostic. */
const MAX_IDS = 20;

function ms(x: number): string {
  if (x < 10) return `${x.toFixed(1)} ms`;
  return x < 1000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(2)} s`;
}

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

interface Ran {
  readonly record: CallRecord;
  readonly start: number;
  readonly end: number;
}

function ranCalls(calls: readonly CallRecord[]): Ran[] {
  const out: Ran[] = [];
  for (const record of calls) {
    const { startedMs: start, endedMs: end } = record;
    if (start !== undefined && end !== undefined && Number.isFinite(start) && Number.isFinite(end)) out.push({ record, start, end });
  }
  return out;
}

/** Time during which at least `cap` of these calls ran at once, and the most that did. */
function saturation(ran: readonly Ran[], cap: number): { fullMs: number; peak: number } {
  const points: [number, number][] = [];
  for (const r of ran) points.push([r.start, 1], [r.end, -1]);
  // An end at t comes before a start at t: back-to-back calls do not overlap.
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let peak = 0;
  let fullMs = 0;
  let last = 0;
  for (const [t, d] of points) {
    if (running >= cap) fullMs += t - last;
    running += d;
    if (running > peak) peak = running;
    last = t;
  }
  return { fullMs, peak };
}

function makespan(ran: readonly Ran[]): number {
  if (ran.length === 0) return 0;
  let first = Infinity;
  let last = -Infinity;
  for (const r of ran) {
    if (r.start < first) first = r.start;
    if (r.end > last) last = r.end;
  }
  return last - first;
}

function ids(ran: readonly Ran[]): string[] {
  return ran.slice(0, MAX_IDS).map((r) => r.record.id);
}

/**
 * The diagnostics of a run, most important first: calls serialized by a tool's default effects,
 * caps that held calls back for most of the run, rate limits, stragglers and approval waits.
 *
 * @example
 * const result = await run(plan, { tools })
 * for (const d of result.diagnostics) console.log(`${d.code}: ${d.message} Fix: ${d.fix}`)
 */
export function diagnoseRun(input: DiagnoseInput): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ran = ranCalls(input.calls);
  const span = makespan(ran);
  const byTool = new Map<string, Ran[]>();
  for (const r of ran) {
    const list = byTool.get(r.record.tool);
    if (list === undefined) byTool.set(r.record.tool, [r]);
    else list.push(r);
  }

  // Calls of one tool that waited behind each other because of what the tool (did not) declare.
  for (const [name, parked] of input.waits.parkedByTool) {
    const tool = input.tools.get(name);
    const calls = byTool.get(name) ?? [];
    if (tool === undefined || tool.resources !== undefined || parked === 0 || calls.length < 2) continue;
    const oneAtATime = saturation(calls, 2).peak <= 1;
    const how = oneAtATime ? 'ran one at a time' : `waited behind each other ${parked} time${parked === 1 ? '' : 's'}`;
    if (tool.effects === undefined) {
      out.push({
        code: 'SERIALIZED_BY_DEFAULT_EFFECTS',
        message: `${calls.length} calls of ${name} ${how} because the tool declares no effects, so each call is taken to write tool:${name}`,
        fix: `declare effects: { readOnly: true } on ${name} if it only reads, or resources: (args) => [...] naming what each call writes`,
        tool: name,
        calls: ids(calls),
      });
    } else if (!tool.resolvedEffects.readOnly) {
      out.push({
        code: 'SERIALIZED_BY_TOOL_RESOURCE',
        message: `${calls.length} calls of ${name} ${how} because the tool writes and names no resources, so every call writes tool:${name}`,
        fix: `declare resources: (args) => [...] on ${name} naming what each call writes (e.g. \`file:\${args.path}\`), so calls on different things run together`,
        tool: name,
        calls: ids(calls),
      });
    }
  }

  // The run's cap: its slots were all busy for most of the run while calls waited for one.
  const cap = input.concurrency;
  if (Number.isFinite(cap) && span > 0 && ran.length > cap) {
    const { fullMs } = saturation(ran, cap);
    const held = input.waits.heldBy.get('global') ?? 0;
    if (fullMs / span >= SATURATED_SHARE && held > 0) {
      out.push({
        code: 'CAP_BOUND',
        message: `the run's concurrency of ${cap} held ${held} call${held === 1 ? '' : 's'} back: all ${cap} slots were busy for ${percent(fullMs / span)} of the run`,
        fix: `raise concurrency ({ concurrency: N }, or --concurrency N) if the tools can take more calls at once`,
      });
    }
  }
  for (const [name, calls] of byTool) {
    const tool = input.tools.get(name);
    const toolCap = tool?.concurrency;
    if (toolCap === undefined || !Number.isFinite(toolCap) || span === 0 || calls.length <= toolCap) continue;
    const held = input.waits.heldBy.get(`tool:${name}`) ?? 0;
    const { fullMs } = saturation(calls, toolCap);
    if (held > 0 && fullMs / span >= SATURATED_SHARE) {
      out.push({
        code: 'TOOL_CAP_BOUND',
        message: `${name}'s concurrency of ${toolCap} held ${held} call${held === 1 ? '' : 's'} back: its ${toolCap} slot${toolCap === 1 ? ' was' : 's were'} busy for ${percent(fullMs / span)} of the run`,
        fix: `raise concurrency on ${name} if the service behind it can take more calls at once`,
        tool: name,
      });
    }
  }
  for (const [key, held] of input.waits.heldBy) {
    if (!key.startsWith('rate:') || held === 0) continue;
    const name = key.slice('rate:'.length);
    const limit = input.tools.get(name)?.rateLimit;
    out.push({
      code: 'RATE_LIMITED',
      message: `${held} call${held === 1 ? '' : 's'} of ${name} waited for its rate limit${limit === undefined ? '' : ` (${limit.limit} per ${ms(limit.intervalMs)})`}`,
      fix: `raise rateLimit on ${name} if the service allows more calls per interval`,
      tool: name,
    });
  }

  // Stragglers: calls much slower than the median.
  if (ran.length >= MIN_CALLS_FOR_STRAGGLERS) {
    const factor = input.stragglerFactor ?? 3;
    const durations = ran.map((r) => r.end - r.start).sort((a, b) => a - b);
    const mid = durations.length >> 1;
    const median = durations.length % 2 === 1 ? (durations[mid] as number) : ((durations[mid - 1] as number) + (durations[mid] as number)) / 2;
    if (median > 0) {
      const slow = ran.filter((r) => r.end - r.start > factor * median).sort((a, b) => b.end - b.start - (a.end - a.start));
      for (const r of slow.slice(0, MAX_STRAGGLERS)) {
        const d = r.end - r.start;
        const tool = input.tools.get(r.record.tool);
        const hedgeable = tool !== undefined && tool.resolvedEffects.readOnly && tool.resolvedEffects.idempotent && tool.hedge === undefined;
        out.push({
          code: 'STRAGGLER',
          message: `call ${r.record.id} (${r.record.tool}) took ${ms(d)}, ${(d / median).toFixed(1)}× the median of ${ms(median)}`,
          fix: hedgeable
            ? `set hedge: { afterMs } on ${r.record.tool} to start a second copy of calls that run long`
            : `set timeoutMs on ${r.record.tool} so a stuck call fails sooner, and look at why ${r.record.id} was slow`,
          tool: r.record.tool,
          calls: [r.record.id],
        });
      }
    }
  }

  // Approval: a person's time, reported apart from scheduling.
  const waited = input.waits.approvalWaitMs;
  if (waited > 0 && span > 0 && waited >= SATURATED_SHARE * span) {
    out.push({
      code: 'APPROVAL_WAIT',
      message: `calls waited ${ms(waited)} in total for approval (the run took ${ms(span)}); that time is counted apart from scheduling (metrics.approvalWaitMs)`,
      fix: 'approve tools you trust without asking: requireApproval: (call) => ... or a narrower policy',
    });
  }
  return out;
}

/**
 * `result` with a `diagnostics` property computed on first read (see {@link diagnoseRun}).
 */
export function withDiagnostics(result: Omit<RunResult, 'diagnostics'>, tools: DiagnoseInput['tools'], concurrency: number, waits: WaitFacts): RunResult {
  let cached: Diagnostic[] | undefined;
  const diagnose = (): Diagnostic[] =>
    (cached ??= diagnoseRun({ calls: result.order.map((id) => result.calls[id] as CallRecord), metrics: result.metrics, tools, concurrency, waits }));
  return Object.defineProperty(result, 'diagnostics', { enumerable: true, get: diagnose }) as RunResult;
}
