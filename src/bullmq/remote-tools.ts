/**
 * `remoteTools`: tools whose `execute` enqueues a BullMQ job (job id = the call's idempotency
 * key) and awaits it through BullMQ's QueueEvents. A repeated key finds the same job: a finished
 * job's result is reused, a running one is awaited, a failed one is run again.
 */
import { Job, Queue, QueueEvents, type ConnectionOptions } from 'bullmq';
import { ToolgraphError } from '../errors.js';
import { DEDUPES_BY_KEY } from '../journal/journal-types.js';
import { normalizeTool } from '../tools/define-tool.js';
import type { Tool, ToolContext, ToolDefinition, ToolLike } from '../tools/tool-types.js';
import { cancelChannel } from './channels.js';
import { errorOfJob } from './job-errors.js';

/** The queue all tools share when none is named. @default 'toolgraph' */
export const DEFAULT_QUEUE_NAME = 'toolgraph';

/** What a job carries. */
export interface ToolJobData {
  /** The tool's name (also the job's name). */
  readonly tool: string;
  /** The filled arguments. */
  readonly args: unknown;
  /** The call's id. */
  readonly callId: string;
  /** The run's id. */
  readonly runId: string;
  /** The coordinator's attempt number. */
  readonly attempt: number;
}

/** Options of {@link remoteTools}: a Redis connection, or a queue made by the caller. */
export interface RemoteToolsOptions {
  /** How to reach Redis (ioredis options or instance). Required unless `queue` is given. */
  readonly connection?: ConnectionOptions;
  /** A queue to use instead of making one (its connection is used for the events too). */
  readonly queue?: Queue;
  /** The queue's name, when `queue` is not given. @default 'toolgraph' */
  readonly queueName?: string;
  /** How long finished jobs are kept (and so reused by a resumed run), in seconds. @default 86400 */
  readonly keepJobsForSeconds?: number;
}

/** What {@link remoteTools} returns. */
export interface RemoteTools {
  /** The tools, to pass as `tools` to `run`, `execute` or `runAgent`. */
  readonly tools: readonly Tool[];
  /** The queue jobs go to. */
  readonly queue: Queue;
  /** Closes the queue and event connections this made (a queue given by the caller stays open). */
  close(): Promise<void>;
}

/**
 * Tools that run on a worker fleet: each call becomes a BullMQ job whose id is the call's
 * idempotency key, so a duplicate enqueue (a resumed run, a retry) finds the same job. The
 * definitions give names, descriptions, input schemas, effects and resources; their `execute`
 * runs on the workers ({@link createToolWorker}), not here. Per-tool caps (concurrency, rate
 * limits) are the workers' business; timeouts and cancellation reach the job: the worker's tool
 * sees its signal abort.
 *
 * @example
 * const remote = remoteTools([search, writeFile], { connection: { host: '127.0.0.1', port: 6379 } })
 * await run(plan, { tools: remote.tools, runId: 'job-42', journal })
 * await remote.close()
 */
export function remoteTools(definitions: readonly ToolLike[], options: RemoteToolsOptions): RemoteTools {
  if (options.queue === undefined && options.connection === undefined) {
    throw new ToolgraphError('INVALID_OPTION', 'expected `connection` (how to reach Redis) or `queue`');
  }
  const owned = options.queue === undefined;
  const keepFor = options.keepJobsForSeconds ?? 86_400;
  if (!(keepFor > 0)) throw new ToolgraphError('INVALID_OPTION', `expected \`keepJobsForSeconds\` to be a positive number, got \`${String(options.keepJobsForSeconds)}\``);
  const queue = options.queue ?? new Queue(options.queueName ?? DEFAULT_QUEUE_NAME, { connection: options.connection as ConnectionOptions });
  // Every waiting call may add a listener to the queue: thousands at once are expected.
  if (owned) queue.setMaxListeners(0);
  const connection = options.connection ?? (queue.opts.connection as ConnectionOptions);
  let events: QueueEvents | undefined;
  let ready: Promise<QueueEvents> | undefined;
  const eventsReady = (): Promise<QueueEvents> => {
    if (ready === undefined) {
      events = new QueueEvents(queue.name, { connection, prefix: queue.opts.prefix ?? 'bull' });
      // Many calls wait on one QueueEvents at once: each waiting job adds a listener.
      events.setMaxListeners(0);
      const made = events;
      ready = made.waitUntilReady().then(() => made);
    }
    return ready;
  };
  const cancel = async (jobId: string): Promise<void> => {
    // A job not started yet is removed; one that runs is told to abort (its worker listens).
    const job = await Job.fromId(queue, jobId);
    if (job === undefined) return;
    try {
      await job.remove();
      return;
    } catch {
      // Locked by a worker: it runs.
    }
    const client = await queue.client;
    await client.publish(cancelChannel(queue.name), jobId);
  };

  const tools = definitions.map((definition) => {
    const tool = normalizeTool(definition);
    const execute = async (args: unknown, ctx: ToolContext): Promise<unknown> => {
      const jobId = ctx.idempotencyKey;
      const queueEvents = await eventsReady();
      ctx.signal.throwIfAborted();
      const data: ToolJobData = { tool: tool.name, args, callId: ctx.callId, runId: ctx.runId, attempt: ctx.attempt };
      let job = await Job.fromId<ToolJobData>(queue, jobId);
      if (job === undefined) {
        job = await queue.add(tool.name, data, { jobId, attempts: 1, removeOnComplete: { age: keepFor }, removeOnFail: { age: keepFor } });
      } else {
        const state = await job.getState();
        if (state === 'completed') return job.returnvalue;
        if (state === 'failed') await job.retry('failed');
      }
      const waited = job as Job<ToolJobData>;
      return await new Promise<unknown>((resolve, reject) => {
        const onAbort = (): void => {
          reject(ctx.signal.reason);
          cancel(jobId).catch(() => undefined);
        };
        if (ctx.signal.aborted) return onAbort();
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        waited.waitUntilFinished(queueEvents).then(
          (value) => {
            ctx.signal.removeEventListener('abort', onAbort);
            resolve(value);
          },
          (error: unknown) => {
            ctx.signal.removeEventListener('abort', onAbort);
            reject(errorOfJob(error instanceof Error ? error.message : String(error), ctx.callId));
          },
        );
      });
    };
    const { concurrency: _c, rateLimit: _r, hedge: _h, retry, ...rest } = tool as ToolDefinition<unknown, unknown> & Partial<Tool>;
    const { resolvedEffects: _e, __toolgraph: _t, ...plain } = rest as typeof rest & { resolvedEffects?: unknown; __toolgraph?: unknown };
    return normalizeTool({ ...plain, ...(retry === undefined ? {} : { retry }), execute, [DEDUPES_BY_KEY]: true } as ToolDefinition);
  });

  return {
    tools,
    queue,
    async close() {
      await events?.close();
      if (owned) await queue.close();
    },
  };
}
