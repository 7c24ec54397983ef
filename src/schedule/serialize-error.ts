/**
 * Turns anything a tool throws into a {@link SerializedError}: data a model or a log can read.
 * What was thrown is untrusted: a string, `null`, an Error whose `message`/`name`/`code`
 * getters throw, a Proxy, a cyclic or deeply nested object. Every read is guarded, nothing
 * recurses on the JS stack, and the outcome is always a plain object of strings.
 */
import { ToolgraphError } from '../errors.js';
import type { SerializedError } from './events.js';
import { canonicalJson } from './canonical-json.js';
import { snapshot } from './snapshot.js';

/** Longest error message kept, in characters. @default 2000 */
export const MAX_ERROR_MESSAGE = 2000;

const UNPRINTABLE = '(an error that cannot be printed)';

function clip(text: string): string {
  return text.length > MAX_ERROR_MESSAGE ? `${text.slice(0, MAX_ERROR_MESSAGE)}… (${text.length - MAX_ERROR_MESSAGE} more characters)` : text;
}

/** `value[key]`, or `undefined` when reading it throws. */
function read(value: object, key: PropertyKey): unknown {
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** True when `value` is an Error (its prototype chain read safely: a Proxy trap may throw). */
function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

function isToolgraphError(value: unknown): value is ToolgraphError {
  try {
    return ToolgraphError.isInstance(value);
  } catch {
    return false;
  }
}

/** Text for any value: strings as they are, the rest as bounded canonical JSON, never throwing. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || typeof value === 'symbol' || typeof value === 'function') {
    return typeof value === 'symbol' ? 'symbol' : typeof value === 'function' ? 'function' : 'undefined';
  }
  try {
    // Iterative with a depth bound: a deep or cyclic value throws instead of overflowing the stack.
    return canonicalJson(value);
  } catch {
    return UNPRINTABLE;
  }
}

/** Serializes a toolgraph error as it is. */
export function serializeToolgraphError(error: ToolgraphError): SerializedError {
  const code = read(error, 'code');
  const message = read(error, 'message');
  const callId = read(error, 'callId');
  const location = read(error, 'location');
  let details: Record<string, unknown> | undefined;
  const given = read(error, 'details');
  if (typeof given === 'object' && given !== null) {
    try {
      details = { ...(snapshot(given) as Record<string, unknown>) };
    } catch {
      details = undefined;
    }
  }
  return {
    code: (typeof code === 'string' ? code : 'TOOL_ERROR') as SerializedError['code'],
    message: clip(typeof message === 'string' ? message : UNPRINTABLE),
    ...(typeof callId === 'string' ? { callId } : {}),
    ...(typeof location === 'string' ? { location } : {}),
    ...(details === undefined ? {} : { details }),
  };
}

/**
 * Serializes what a tool threw as `TOOL_ERROR` (keeping the error's class name and a string
 * `code` property in `details`). Toolgraph errors keep their own code. Never throws.
 *
 * @example
 * serializeToolError(new TypeError('bad'), 'read') // { code: 'TOOL_ERROR', name: 'TypeError', message: 'bad', callId: 'read' }
 */
export function serializeToolError(thrown: unknown, callId: string): SerializedError {
  if (isToolgraphError(thrown)) return { ...serializeToolgraphError(thrown), callId };
  if (isError(thrown)) {
    const code = read(thrown, 'code');
    const rawName = read(thrown, 'name');
    const rawMessage = read(thrown, 'message');
    const name = typeof rawName === 'string' ? rawName.slice(0, 200) : 'Error';
    const message = typeof rawMessage === 'string' ? rawMessage : rawMessage === undefined ? '' : textOf(rawMessage);
    return {
      code: 'TOOL_ERROR',
      message: clip(message === '' ? name : message),
      name,
      callId,
      ...(typeof code === 'string' || typeof code === 'number' ? { details: { code: String(code) } } : {}),
    };
  }
  return { code: 'TOOL_ERROR', message: clip(textOf(thrown)), name: thrown === null ? 'null' : typeof thrown, callId };
}
