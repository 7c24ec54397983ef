/**
 * Turns anything a tool throws into a {@link SerializedError}: data a model or a log can read.
 */
import { ToolgraphError } from '../errors.js';
import type { SerializedError } from './events.js';

/** Longest error message kept, in characters. @default 2000 */
export const MAX_ERROR_MESSAGE = 2000;

function clip(text: string): string {
  return text.length > MAX_ERROR_MESSAGE ? `${text.slice(0, MAX_ERROR_MESSAGE)}… (${text.length - MAX_ERROR_MESSAGE} more characters)` : text;
}

/** Serializes a toolgraph error as it is. */
export function serializeToolgraphError(error: ToolgraphError): SerializedError {
  return {
    code: error.code,
    message: clip(error.message),
    ...(error.callId === undefined ? {} : { callId: error.callId }),
    ...(error.location === undefined ? {} : { location: error.location }),
    ...(error.details === undefined ? {} : { details: { ...error.details } }),
  };
}

/**
 * Serializes what a tool threw as `TOOL_ERROR` (keeping the error's class name and a string
 * `code` property in `details`). Toolgraph errors keep their own code.
 *
 * @example
 * serializeToolError(new TypeError('bad'), 'read') // { code: 'TOOL_ERROR', name: 'TypeError', message: 'bad', callId: 'read' }
 */
export function serializeToolError(thrown: unknown, callId: string): SerializedError {
  if (ToolgraphError.isInstance(thrown)) return { ...serializeToolgraphError(thrown), callId };
  if (thrown instanceof Error) {
    const code = (thrown as { code?: unknown }).code;
    return {
      code: 'TOOL_ERROR',
      message: clip(thrown.message === '' ? thrown.name : thrown.message),
      name: thrown.name,
      callId,
      ...(typeof code === 'string' || typeof code === 'number' ? { details: { code: String(code) } } : {}),
    };
  }
  let text: string;
  try {
    text = typeof thrown === 'string' ? thrown : JSON.stringify(thrown) ?? String(thrown);
  } catch {
    text = String(thrown);
  }
  return { code: 'TOOL_ERROR', message: clip(text), name: typeof thrown, callId };
}
