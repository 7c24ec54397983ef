/**
 * What `run()` resolves to: each call's outcome and the run's metrics.
 */
import type { CallNode } from './call-node.js';
import type { CallStatus, RunMetrics, SerializedError } from './events.js';
import type { Diagnostic } from '../observe/diagnostics.js';

/** The outcome of one call. */
export interface CallRecord {
  /** The call's id. */
  readonly id: string;
  /** The tool's name. */
  readonly tool: string;
  /** Terminal state. */
  readonly status: CallStatus;
  /** Arguments as filled (as written when the call never got that far). */
  readonly args: unknown;
  /** The result, for succeeded calls. */
  readonly result?: unknown;
  /** Why it did not succeed. */
  readonly error?: SerializedError;
  /**
   * When its first attempt started (ms since the run started). A call started right after a
   * synchronous call ended, with no user code run in between, shares that call's end reading
   * (the clock is read once per call there, not twice), so it may precede the real start by the
   * scheduler's bookkeeping of a few calls (microseconds).
   */
  readonly startedMs?: number;
  /** When it ended (ms since the run started). */
  readonly endedMs?: number;
  /** Attempts made (0 when it never started). */
  readonly attempts: number;
}

/** The outcome of a run. */
export interface RunResult {
  /** The run's id. */
  readonly runId: string;
  /** Call id → outcome. A prototype-less object: ids such as `__proto__` are ordinary keys. */
  readonly calls: Readonly<Record<string, CallRecord>>;
  /** Call ids in the order the calls arrived. */
  readonly order: readonly string[];
  /** Run metrics. */
  readonly metrics: RunMetrics;
  /**
   * Facts to act on, each with a code, a message and a fix: calls serialized by a tool's
   * default effects, a cap that held calls back for most of the run, stragglers, long approval
   * waits. Computed on first read.
   */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The record of a finished call. The usual shapes are written as whole literals (one hidden
 * class each, no property added one by one); absent fields stay absent.
 */
export function callRecord(node: CallNode): CallRecord {
  const { id, toolName: tool, status, args, attempts, startedMs, endedMs, error } = node;
  const started = !Number.isNaN(startedMs);
  const ended = !Number.isNaN(endedMs);
  if (ended && status !== undefined) {
    if (status === 'succeeded') {
      if (started) return { id, tool, status, args, attempts, result: node.result, startedMs, endedMs };
    } else if (error !== undefined) {
      if (started) return { id, tool, status, args, attempts, error, startedMs, endedMs };
      return { id, tool, status, args, attempts, error, endedMs };
    }
  }
  const record: { -readonly [K in keyof CallRecord]: CallRecord[K] } = { id, tool, status: status ?? 'cancelled', args, attempts };
  if (status === 'succeeded') record.result = node.result;
  else if (error !== undefined) record.error = error;
  if (started) record.startedMs = startedMs;
  if (ended) record.endedMs = endedMs;
  return record;
}
