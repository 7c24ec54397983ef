/**
 * One MCP session = one rollout: its own concurrency cap and rate limit (on top of the tools'
 * caps shared by every session), its own JSONL trace and metrics, its own cancellation.
 */
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTraceRecorder, type TraceRecorder } from '../observe/trace-recorder.js';
import type { RunEvent, RunMetrics } from '../schedule/events.js';
import type { Tool, ToolDefinition } from '../tools/tool-types.js';
import { defineTool } from '../tools/define-tool.js';
import { Limiter, type LimiterStats } from './limiter.js';

/** Per-session numbers: what a rollout did. */
export interface SessionMetrics {
  /** The session's id. */
  readonly sessionId: string;
  /** `run_plan` calls and direct tool calls served (each is one run, one batch). */
  readonly runs: number;
  /** Tool calls run, over all runs. */
  readonly calls: number;
  /** Calls per run, on average (calls per batch). */
  readonly callsPerBatch: number;
  /** Calls that ended succeeded / failed / skipped / cancelled / rejected. */
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly cancelled: number;
  readonly rejected: number;
  /** Dependency depth summed over runs (sequential rounds inside the batches). */
  readonly rounds: number;
  /** Critical paths summed over runs, ms. */
  readonly criticalPathMs: number;
  /** Makespans summed over runs, ms. */
  readonly makespanMs: number;
  /** The session's cap: slots held at most at once, and starts in one rate window. */
  readonly cap: LimiterStats;
}

/** Options of a {@link PlanSession}. */
export interface PlanSessionOptions {
  /** Tool calls of this session running at once, over all its runs. */
  readonly concurrency: number;
  /** Tool call starts of this session per time window. */
  readonly rateLimit?: ToolDefinition['rateLimit'];
  /** Folder of the session's JSONL trace (`<dir>/<sessionId>.jsonl`), rewritten after each run. */
  readonly traceDir?: string;
}

/** A session's state. Create through `createPlanServer`. */
export class PlanSession {
  /** Aborted when the session closes or the server shuts down. */
  readonly controller = new AbortController();
  /** The session's tools: the server's, each call behind the session's cap and the tool's shared cap. */
  readonly tools: ReadonlyMap<string, Tool>;
  private readonly limiter: Limiter;
  private readonly trace: TraceRecorder | undefined;
  private readonly metrics: RunMetrics[] = [];
  private runSeq = 0;
  private flushing: Promise<void> = Promise.resolve();
  /** Requests being served. */
  readonly inflight = new Set<Promise<unknown>>();

  constructor(
    readonly sessionId: string,
    tools: ReadonlyMap<string, Tool>,
    toolCaps: ReadonlyMap<string, Limiter>,
    private readonly options: PlanSessionOptions,
  ) {
    this.limiter = new Limiter(options.concurrency, options.rateLimit);
    this.trace = options.traceDir === undefined ? undefined : createTraceRecorder();
    const wrapped = new Map<string, Tool>();
    for (const tool of tools.values()) wrapped.set(tool.name, this.capped(tool, toolCaps.get(tool.name)));
    this.tools = wrapped;
  }

  /** The tool with each call holding a session slot (and a slot of the tool's shared cap) while it runs. */
  private capped(tool: Tool, shared: Limiter | undefined): Tool {
    const session = this.limiter;
    const { resolvedEffects: _r, __toolgraph: _t, concurrency: _c, rateLimit: _l, inputSchema: _i, outputSchema: _o, annotations: _a, execute, ...rest } = tool;
    return defineTool({
      ...rest,
      execute: async (args: unknown, ctx) => {
        await session.acquire(ctx.signal);
        try {
          if (shared !== undefined) await shared.acquire(ctx.signal);
          try {
            const value = execute(args as Record<string, unknown>, ctx);
            return await collect(value);
          } finally {
            shared?.release();
          }
        } finally {
          session.release();
        }
      },
    } as ToolDefinition);
  }

  /** A run id for the session's next run, and a function that records its events in the trace. */
  beginRun(callIds: readonly string[], deps: ReadonlyMap<string, readonly string[]>): { readonly runId: string; readonly onEvent: (e: RunEvent) => void; readonly end: (m: RunMetrics) => Promise<void> } {
    const seq = ++this.runSeq;
    const runId = `${this.sessionId}-${seq}`;
    const prefix = `r${seq}.`;
    const trace = this.trace;
    if (trace !== undefined) {
      trace.beginTurn();
      trace.recordAssistantMessage({ toolCalls: callIds.map((id) => ({ id: prefix + id, deps: (deps.get(id) ?? []).map((d) => prefix + d) })) });
    }
    return {
      runId,
      onEvent: (event) => {
        if (trace === undefined) return;
        const callId = (event as { callId?: unknown }).callId;
        trace.record(typeof callId === 'string' ? ({ ...event, callId: prefix + callId } as RunEvent) : event);
      },
      end: async (metrics) => {
        this.metrics.push(metrics);
        if (trace !== undefined) {
          trace.recordRejoin({ returned: callIds.map((id) => prefix + id) });
          await this.flush();
        }
      },
    };
  }

  /** Writes the trace file again (serialized: one write at a time, the last one wins). */
  flush(): Promise<void> {
    const dir = this.options.traceDir;
    const trace = this.trace;
    if (dir === undefined || trace === undefined) return Promise.resolve();
    // Written aside then renamed: a reader never sees a half-written trace.
    const file = join(dir, `${safeFileName(this.sessionId)}.jsonl`);
    this.flushing = this.flushing.then(async () => {
      await writeFile(`${file}.tmp`, trace.toJsonl());
      await rename(`${file}.tmp`, file);
    });
    return this.flushing;
  }

  /** The session's metrics so far. */
  summary(): SessionMetrics {
    const sum = (key: keyof RunMetrics): number => this.metrics.reduce((acc, m) => acc + (m[key] as number), 0);
    const calls = sum('calls');
    return {
      sessionId: this.sessionId,
      runs: this.metrics.length,
      calls,
      callsPerBatch: this.metrics.length === 0 ? 0 : calls / this.metrics.length,
      succeeded: sum('succeeded'),
      failed: sum('failed'),
      skipped: sum('skipped'),
      cancelled: sum('cancelled'),
      rejected: sum('rejected'),
      rounds: sum('rounds'),
      criticalPathMs: sum('criticalPathMs'),
      makespanMs: sum('makespanMs'),
      cap: this.limiter.stats(),
    };
  }
}

/** Awaits a tool's return: a value, a promise, or the last value of an async iterable. */
async function collect(value: unknown): Promise<unknown> {
  if (typeof value === 'object' && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    let last: unknown;
    for await (const item of value as AsyncIterable<unknown>) last = item;
    return last;
  }
  return value;
}

/** A session id as a file name: only letters, digits, `-` and `_`. */
function safeFileName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 128) || 'session';
}
