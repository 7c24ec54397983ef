/**
 * Keeps values written into traces small: anything whose JSON is longer than a limit is replaced
 * by a truncated string of that JSON, and the caller is told it was truncated.
 */

import { boundedJson } from '../plan/bounded-json.js';
import { PathFault } from '../plan/path-fault.js';

/** Most characters of JSON read from one value before it is called too large. @default 16777216 */
const MAX_SCANNED_CHARS = 16_777_216;

/** Most characters of JSON kept for a result or args in a trace. @default 2000 */
export const DEFAULT_MAX_TRACE_VALUE_CHARS = 2000;

/** A value fit for a trace line. */
export interface BoundedValue {
  /** The value itself, or a truncated JSON string of it. */
  readonly value: unknown;
  /** True when `value` is a truncated rendering. */
  readonly truncated: boolean;
}

/**
 * Returns `value` unchanged when its JSON fits in `maxChars`, else the first `maxChars` characters
 * of its JSON followed by `…[truncated, N chars]`. Values JSON cannot represent (cycles, BigInt)
 * become a short marker string.
 *
 * @example
 * boundValue({ big: 'x'.repeat(5000) }, 20).truncated // true
 */
export function boundValue(value: unknown, maxChars = DEFAULT_MAX_TRACE_VALUE_CHARS): BoundedValue {
  if (value === undefined) return { value: undefined, truncated: false };
  // Iterative and contained: a cyclic, BigInt, too deep or hostile (throwing getter, Proxy) value is a marker.
  const json = boundedJson(value, { maxDepth: 10_000, maxChars: MAX_SCANNED_CHARS });
  if (json instanceof PathFault) return { value: `[not serializable: ${json.message.slice(0, 120)}]`, truncated: true };
  if (json === undefined) return { value: undefined, truncated: false };
  if (json.length <= maxChars) return { value: JSON.parse(json) as unknown, truncated: false };
  return { value: `${json.slice(0, maxChars)}…[truncated, ${json.length} chars]`, truncated: true };
}
