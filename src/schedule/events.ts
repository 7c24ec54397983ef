/**
 * The events a run emits, defined once in zod (`schemas/events.schema.json` is generated from
 * here). Every event has `type`, `runId` and `t`, milliseconds since the run started on a
 * monotonic clock; call events have `callId` and `tool`. Every call ends in exactly one
 * terminal event: call_succeeded, call_failed, call_skipped, call_cancelled or call_rejected.
 */
import { z } from 'zod';

/** An error as data: what a tool threw, or what toolgraph decided. */
export const SerializedErrorSchema = z
  .object({
    code: z.string().describe('Stable code, e.g. TOOL_ERROR, TIMEOUT, UNRESOLVED_REFERENCE.'),
    message: z.string(),
    name: z.string().optional().describe('The thrown error\'s class name, for TOOL_ERROR.'),
    callId: z.string().optional(),
    location: z.string().optional().describe('JSON location, e.g. args.path.'),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .describe('An error as data.');

/** Terminal states of a call. */
export const CallStatusSchema = z.enum(['succeeded', 'failed', 'skipped', 'cancelled', 'rejected']);

const base = { runId: z.string(), t: z.number().describe('ms since the run started (monotonic)') };
const call = { ...base, callId: z.string(), tool: z.string() };

/**
 * Why a call is not running: `input` (an input has not finished), `conflict` (an earlier call
 * touching the same resource has not finished), `cap` (the run's or the tool's concurrency is
 * full), `rate_limit` (the tool's rate limit), `approval` (a person has not answered yet).
 */
export const WaitReasonSchema = z.enum(['input', 'conflict', 'cap', 'rate_limit', 'approval']);

/** Run-level numbers, reported in run_finished and in RunResult. */
export const RunMetricsSchema = z
  .object({
    calls: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
    cancelled: z.number().int(),
    rejected: z.number().int(),
    makespanMs: z.number().describe('First start to last end of any call.'),
    criticalPathMs: z.number().describe('Longest dependency chain of observed call durations.'),
    makespanOverCriticalPath: z.number().describe('1.0 is the physical limit; above it is scheduling loss.'),
    maxParallelism: z.number().int().describe('Most calls running at one time.'),
    rounds: z.number().int().describe('Deprecated name of dependencyDepth (the same number). Not the sequential rounds of a trace, which count model waits.'),
    dependencyDepth: z.number().int().describe('Calls on the longest dependency chain that ran (inputs, after ids and waits behind conflicting calls).'),
    retries: z.number().int(),
    hedges: z.number().int().describe('Extra copies started by hedging.'),
    coalesced: z.number().int().describe('Calls served by another identical call.'),
    approvalWaitMs: z.number().optional().describe('Time calls waited for a person\'s approval, summed over calls (absent when none waited). A call\'s wait counts as a link of its chain in criticalPathMs, so it is not scheduling loss.'),
  })
  .describe('Metrics of one run.');

/** The zod schema of every run event. */
export const RunEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run_started'), ...base, calls: z.number().int().describe('Calls known at start (streamed plans grow).') }),
  z.object({ type: z.literal('call_ready'), ...call, deps: z.array(z.string()).optional().describe('Ids of the inputs it waited on (absent when none).') }),
  z.object({ type: z.literal('approval_requested'), ...call, args: z.unknown() }),
  z.object({
    type: z.literal('call_waiting'),
    ...call,
    reason: WaitReasonSchema,
    on: z.string().optional().describe('input: an input not finished yet; conflict: the call it waits behind.'),
    inputs: z.number().int().optional().describe('input: how many inputs are not finished yet.'),
    resource: z.string().optional().describe('conflict: the resource both calls touch (absent when the other call\'s resources are not known yet).'),
    scope: z.enum(['global', 'tool']).optional().describe('cap: the run\'s concurrency or the tool\'s.'),
    limit: z.number().optional().describe('cap: the limit that is full; rate_limit: calls per interval.'),
  }),
  z.object({ type: z.literal('call_started'), ...call, attempt: z.number().int(), args: z.unknown(), hedge: z.boolean().optional() }),
  z.object({ type: z.literal('call_partial'), ...call, value: z.unknown() }),
  z.object({ type: z.literal('call_retry'), ...call, attempt: z.number().int(), delayMs: z.number(), error: SerializedErrorSchema }),
  z.object({ type: z.literal('call_succeeded'), ...call, result: z.unknown(), durationMs: z.number(), attempts: z.number().int(), coalescedWith: z.string().optional(), cached: z.boolean().optional().describe('True when the result came from a journal or result cache (the tool did not run).') }),
  z.object({ type: z.literal('call_failed'), ...call, error: SerializedErrorSchema, attempts: z.number().int() }),
  z.object({ type: z.literal('call_skipped'), ...call, error: SerializedErrorSchema, cause: z.string().describe('Id of the failed, rejected or cancelled ancestor.') }),
  z.object({ type: z.literal('call_cancelled'), ...call, error: SerializedErrorSchema }),
  z.object({ type: z.literal('call_rejected'), ...call, error: SerializedErrorSchema, reason: z.string() }),
  z.object({ type: z.literal('run_finished'), ...base, metrics: RunMetricsSchema }),
]);

/** An error as data. */
export type SerializedError = z.infer<typeof SerializedErrorSchema>;
/** Terminal state of a call. */
export type CallStatus = z.infer<typeof CallStatusSchema>;
/** Why a call is waiting. */
export type WaitReason = z.infer<typeof WaitReasonSchema>;
/** Run metrics. */
export type RunMetrics = z.infer<typeof RunMetricsSchema>;
/** One event of a run. */
export type RunEvent = z.infer<typeof RunEventSchema>;
/** The `type` of an event. */
export type RunEventType = RunEvent['type'];
/** The events that end a call. */
export type TerminalEvent = Extract<RunEvent, { type: 'call_succeeded' | 'call_failed' | 'call_skipped' | 'call_cancelled' | 'call_rejected' }>;

/** True for the five events that end a call. */
export function isTerminalEvent(event: RunEvent): event is TerminalEvent {
  return (
    event.type === 'call_succeeded' ||
    event.type === 'call_failed' ||
    event.type === 'call_skipped' ||
    event.type === 'call_cancelled' ||
    event.type === 'call_rejected'
  );
}
