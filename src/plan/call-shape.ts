/**
 * A fast check that a value has exactly the shape `CallSchema` accepts. The zod schema stays
 * the source of truth (JSON Schema, error messages); this check only lets well-formed calls
 * skip zod on the hot path. A property test keeps the two in agreement.
 */
import { CALL_ID_PATTERN } from './schema.js';

const ALLOWED_KEYS: ReadonlySet<string> = new Set(['id', 'tool', 'args', 'after']);

/** True when `raw` is a call `CallSchema` would accept unchanged. */
export function hasCallShape(raw: unknown): raw is { id: string; tool: string; args: Record<string, unknown>; after?: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const r = raw as Record<string, unknown>;
  for (const key in r) {
    if (!Object.hasOwn(r, key)) continue;
    if (!ALLOWED_KEYS.has(key)) return false;
  }
  const id = r['id'];
  if (typeof id !== 'string' || !CALL_ID_PATTERN.test(id)) return false;
  const tool = r['tool'];
  // zod (and JSON Schema) count code points, not UTF-16 units: "😀" is one character.
  if (typeof tool !== 'string' || tool.length === 0 || (tool.length > 256 && codePoints(tool) > 256)) return false;
  const args = r['args'];
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return false;
  const proto = Object.getPrototypeOf(args) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  if (Object.hasOwn(r, 'after')) {
    const after = r['after'];
    if (after === undefined) return true;
    if (!Array.isArray(after) || after.length > 1024) return false;
    for (const a of after) if (typeof a !== 'string' || !CALL_ID_PATTERN.test(a)) return false;
  }
  return true;
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
