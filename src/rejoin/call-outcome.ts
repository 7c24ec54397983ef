/**
 * What the model is told about one call at a rejoin: its terminal state and result or error,
 * or that it is still running (its result follows with the next turn).
 */
import type { CallStatus, SerializedError } from '../schedule/events.js';

/** One call's state as handed back to the model. */
export interface CallOutcome {
  /** The call's id (the provider's call id when the plan came from a provider format). */
  readonly id: string;
  /** The tool's name. */
  readonly tool: string;
  /** Terminal state, or `running` when the rejoin came first. */
  readonly status: CallStatus | 'running';
  /** The result, for succeeded calls. */
  readonly result?: unknown;
  /** Why it did not succeed. */
  readonly error?: SerializedError;
  /** Milliseconds since the turn started when it finished. */
  readonly endedMs?: number;
}
