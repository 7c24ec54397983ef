/**
 * `createToolWorker`: a BullMQ worker that runs the jobs of `remoteTools` with the real tools:
 * args checked with the tool's input schema, per-tool concurrency and rate limits kept in this
 * process, cancellation from the coordinator reaching the tool's signal, and effects honoured:
 * a non-idempotent job found to have started before (its worker died, BullMQ moved it back as
 * stalled) is failed `OUTCOME_UNKNOWN`, never run a second time.
 */
import { formatLocation } from '../plan/location.js';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { ToolgraphError } from '../errors.js';
import { serializeToolError, serializeToolgraphError } from '../schedule/serialize-error.js';
import type { SerializedError } from '../schedule/events.js';
import { toolRegistry } from '../tools/define-tool.js';
import type { Tool, ToolContext, ToolsInput } from '../tools/tool-types.js';
import { validateWith, type ValidationResult } from '../tools/tool-schema.js';
import { cancelChannel, runningKey } from './channels.js';
import { encodeJobError } from './job-errors.js';
import type { ToolJobData } from './remote-tools.js';

/** Options of {@link createToolWorker}. */
export interface ToolWorkerOptions {
  /** How to reach Redis (ioredis options or instance). */
  readonly connection: ConnectionOptions;
  /** Jobs run at once in this process, across tools (each tool's own `concurrency` also applies). @default 16 */
  readonly concurrency?: number;
  /** How long a job's lock lasts without renewal: a worker silent this long is taken for dead. @default 30000 */
  readonly lockDurationMs?: number;
  /** How often to look for jobs whose worker died. @default 30000 */
  readonly stalledIntervalMs?: number;
  /** Per-call timeout of a tool without its own `timeoutMs`. @default 30000 */
  readonly timeoutMs?: number;
  /** Called when a job ends (for logs). */
  readonly onJob?: (info: { readonly jobId: string; readonly tool: string; readonly callId: string; readonly ok: boolean; readonly code?: string }) => void;
}

/** A running worker. */
export interface ToolWorker {
  /** The BullMQ worker. */
  readonly worker: Worker<ToolJobData>;
  /** Resolves once it is connected and taking jobs. */
  waitUntilReady(): Promise<void>;
  /** Stops taking jobs, lets running ones end, and closes its connections. */
  close(): Promise<void>;
}

/** Slots of one tool in this process: its concurrency and rate limit. */
class ToolGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly starts: number[] = [];

  constructor(private readonly tool: Tool) {}

  async acquire(signal: AbortSignal): Promise<void> {
    const cap = this.tool.concurrency ?? Infinity;
    while (this.running >= cap) {
      await abortable(signal, (wake) => {
        this.waiting.push(wake);
        return () => {
          const at = this.waiting.indexOf(wake);
          if (at !== -1) this.waiting.splice(at, 1);
        };
      });
    }
    this.running++;
    const limit = this.tool.rateLimit;
    if (limit === undefined) return;
    try {
      for (;;) {
        const now = Date.now();
        while (this.starts.length > 0 && (this.starts[0] as number) <= now - limit.intervalMs) this.starts.shift();
        if (this.starts.length < limit.limit) {
          this.starts.push(now);
          return;
        }
        const waitMs = (this.starts[0] as number) + limit.intervalMs - now;
        await abortable(signal, (wake) => {
          const timer = setTimeout(wake, waitMs);
          return () => clearTimeout(timer);
        });
      }
    } catch (error) {
      this.release();
      throw error;
    }
  }

  release(): void {
    this.running--;
    this.waiting.shift()?.();
  }
}

/** Waits until `arm`'s wake-up is called, or rejects with the signal's reason when it aborts first. */
function abortable(signal: AbortSignal, arm: (wake: () => void) => () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    signal.throwIfAborted();
    const onAbort = (): void => {
      disarm();
      reject(signal.reason);
    };
    const disarm = arm(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}


function fail(error: SerializedError): never {
  throw new UnrecoverableError(encodeJobError(error));
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function';
}

/** The connection options of a separate subscriber connection. */
function subscriberOf(connection: ConnectionOptions): Redis {
  if (connection instanceof Redis) return connection.duplicate();
  return new Redis({ ...(connection as RedisOptions), maxRetriesPerRequest: null });
}

/**
 * Starts a worker for the queue `queueName` that runs `tools`. BullMQ never retries a job behind
 * toolgraph's back: every job has one attempt, and a stalled job of a tool that is neither
 * read-only nor idempotent fails `OUTCOME_UNKNOWN` (the coordinator decides what to do).
 *
 * @example
 * const worker = createToolWorker('toolgraph', [search, writeFile], { connection: { host: '127.0.0.1', port: 6379 }, concurrency: 32 })
 * process.on('SIGTERM', () => void worker.close())
 */
export function createToolWorker(queueName: string, tools: ToolsInput, options: ToolWorkerOptions): ToolWorker {
  const registry = toolRegistry(tools);
  const gates = new Map<string, ToolGate>();
  for (const tool of registry.values()) gates.set(tool.name, new ToolGate(tool));
  const active = new Map<string, AbortController>();
  /** Jobs cancelled before they started here (bounded). */
  const cancelled = new Set<string>();
  const subscriber = subscriberOf(options.connection);
  const channel = cancelChannel(queueName);
  subscriber.on('message', (_channel: string, jobId: string) => {
    const controller = active.get(jobId);
    if (controller !== undefined) controller.abort(new ToolgraphError('CANCELLED', 'cancelled by the coordinator'));
    else {
      cancelled.add(jobId);
      if (cancelled.size > 10_000) cancelled.delete(cancelled.values().next().value as string);
    }
  });
  const subscribed = subscriber.subscribe(channel);
  // Errors of the subscriber connection (Redis going away) are retried by ioredis; keep the process alive.
  subscriber.on('error', () => undefined);

  const processor = async (job: Job<ToolJobData>): Promise<unknown> => {
    const jobId = job.id as string;
    const data = job.data;
    const callId = typeof data?.callId === 'string' ? data.callId : jobId;
    const tool = registry.get(job.name);
    if (tool === undefined) fail({ code: 'UNKNOWN_TOOL', message: `this worker has no tool "${job.name}" (it has: ${[...registry.keys()].join(', ')})`, callId });
    const effects = tool.resolvedEffects;
    const once = !effects.readOnly && !effects.idempotent;
    const client = once ? await worker.client : undefined;
    const marker = runningKey(queueName, jobId);
    if (client !== undefined) {
      // Set before the tool runs, removed when it ends: found here, an earlier run of this job died mid-way.
      const fresh = await client.set(marker, String(process.pid), 'EX', 7 * 86_400, 'NX');
      if (fresh !== 'OK') {
        fail({ code: 'OUTCOME_UNKNOWN', message: `"${callId}" (${tool.name}) started on a worker that stopped before it ended; it is not run again because ${tool.name} is not idempotent`, callId, details: { jobId, tool: tool.name } });
      }
    }
    const controller = new AbortController();
    active.set(jobId, controller);
    if (cancelled.delete(jobId)) controller.abort(new ToolgraphError('CANCELLED', 'cancelled by the coordinator'));
    const timeoutMs = tool.timeoutMs ?? options.timeoutMs ?? 30_000;
    const timer = setTimeout(() => controller.abort(new ToolgraphError('TIMEOUT', `${tool.name} did not finish within ${timeoutMs} ms`, { callId })), timeoutMs);
    const gate = gates.get(tool.name) as ToolGate;
    let holds = false;
    try {
      let args: unknown = data.args;
      if (tool.input !== undefined) {
        let parsed: ValidationResult;
        try {
          parsed = validateWith(tool.input, args);
        } catch (error) {
          fail({ code: 'INVALID_ARGS', message: `the input schema of ${tool.name} threw: ${serializeToolError(error, callId).message}`, callId, location: 'args', details: { tool: tool.name } });
        }
        if (!parsed.ok) {
          const problems = parsed.issues.map((issue) => ({ where: formatLocation(issue.path, 'args'), message: issue.message }));
          fail({ code: 'INVALID_ARGS', message: problems.map((p) => `${p.where}: ${p.message}`).join('; '), callId, location: problems[0]?.where ?? 'args', details: { tool: tool.name } });
        }
        args = parsed.value;
      }
      await gate.acquire(controller.signal);
      holds = true;
      const ctx: ToolContext = { signal: controller.signal, callId, runId: String(data.runId), attempt: Number(data.attempt) || 1, idempotencyKey: jobId };
      const aborted = new Promise<never>((_resolve, reject) => {
        const onAbort = (): void => reject(controller.signal.reason);
        if (controller.signal.aborted) onAbort();
        else controller.signal.addEventListener('abort', onAbort, { once: true });
      });
      aborted.catch(() => undefined);
      const run = async (): Promise<unknown> => {
        const out: unknown = await tool.execute(args as never, ctx);
        if (!isAsyncIterable(out)) return out;
        let last: unknown;
        for await (const value of out) last = value;
        return last;
      };
      let value = await Promise.race([run(), aborted]);
      if (tool.output !== undefined) {
        const parsed = validateWith(tool.output, value);
        if (!parsed.ok) fail({ code: 'INVALID_OUTPUT', message: `${tool.name} returned a result that does not match its output schema: ${parsed.issues.slice(0, 5).map((i) => `${formatLocation(i.path, 'result')}: ${i.message}`).join('; ')}`, callId });
        value = parsed.value;
      }
      options.onJob?.({ jobId, tool: tool.name, callId, ok: true });
      return value;
    } catch (error) {
      // A failure is a known outcome: the job may run again when the coordinator decides so.
      if (client !== undefined) await client.del(marker);
      if (error instanceof UnrecoverableError) {
        options.onJob?.({ jobId, tool: tool.name, callId, ok: false });
        throw error;
      }
      const serialized = ToolgraphError.isInstance(error) ? { ...serializeToolgraphError(error), callId } : serializeToolError(error, callId);
      options.onJob?.({ jobId, tool: tool.name, callId, ok: false, code: serialized.code });
      fail(serialized);
    } finally {
      clearTimeout(timer);
      active.delete(jobId);
      if (holds) gate.release();
    }
  };

  const worker = new Worker<ToolJobData>(queueName, processor, {
    connection: options.connection,
    concurrency: options.concurrency ?? 16,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    // One stalled move back to the queue: the marker above decides whether it may run again.
    maxStalledCount: 1,
  });
  worker.on('error', () => undefined);
  // A success's marker goes once BullMQ has recorded the job completed: dying before that, the job runs no second time.
  worker.on('completed', (job) => {
    const tool = registry.get(job.name);
    if (tool === undefined || tool.resolvedEffects.readOnly || tool.resolvedEffects.idempotent) return;
    void worker.client.then((c) => c.del(runningKey(queueName, job.id as string))).catch(() => undefined);
  });

  return {
    worker,
    async waitUntilReady() {
      await Promise.all([worker.waitUntilReady(), subscribed]);
    },
    async close() {
      await worker.close();
      subscriber.disconnect();
    },
  };
}
