/**
 * How a tool's failure crosses the queue: BullMQ keeps only a failed job's message, so the
 * worker writes the serialized error into it behind a marker, and the coordinator reads it back.
 */
import { ToolgraphError, type ErrorCode } from '../errors.js';
import type { SerializedError } from '../schedule/events.js';

const MARK = 'toolgraph-error:';

/** The message of a failed job that carries `error`. */
export function encodeJobError(error: SerializedError): string {
  return `${MARK}${JSON.stringify(error)}`;
}

/** The serialized error in a failed job's message, or undefined when it carries none. */
export function decodeJobError(message: string): SerializedError | undefined {
  if (!message.startsWith(MARK)) return undefined;
  try {
    const parsed = JSON.parse(message.slice(MARK.length)) as unknown;
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as SerializedError).code === 'string' && typeof (parsed as SerializedError).message === 'string') return parsed as SerializedError;
  } catch {
    // Not ours after all.
  }
  return undefined;
}

/**
 * The error a remote tool's `execute` throws for a failed job: toolgraph's own codes keep their
 * code (a ToolgraphError); a tool's error is a plain Error with its name and message.
 */
export function errorOfJob(message: string, callId: string): Error {
  const error = decodeJobError(message);
  if (error === undefined) return new Error(message);
  if (error.code !== 'TOOL_ERROR') {
    return new ToolgraphError(error.code as ErrorCode, error.message, { callId, ...(error.location === undefined ? {} : { location: error.location }), ...(error.details === undefined ? {} : { details: error.details }) });
  }
  const thrown = new Error(error.message);
  if (error.name !== undefined) thrown.name = error.name;
  const code = error.details?.['code'];
  if (code !== undefined) (thrown as Error & { code?: unknown }).code = code;
  return thrown;
}
