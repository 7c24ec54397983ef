/**
 * Evaluation of paths with wildcards, unions, slices or recursive descent, through
 * jsonpath-plus with `eval: false`. Only paths that passed our grammar reach this file.
 */
import { JSONPath } from 'jsonpath-plus';
import type { PathSegment, Selection } from './reference.js';

/** Deepest value that recursive descent (`..`) will walk. @default 256 */
export const MAX_DESCENT_DEPTH = 256;

/** Names jsonpath-plus tokenizes faithfully inside `['...']`. */
const ENGINE_SAFE_NAME = /^[\p{L}\p{N}_\- ]+$/u;

/** True when a name can be handed to jsonpath-plus without being misread. */
export function isEngineSafeName(name: string): boolean {
  return ENGINE_SAFE_NAME.test(name);
}

function quoted(name: string): string {
  return `['${name}']`;
}

/** Renders compiled segments as the jsonpath-plus expression (names already checked). */
export function toEnginePath(segments: readonly PathSegment[]): string {
  let out = '$';
  for (const s of segments) {
    switch (s.kind) {
      case 'name':
        out += quoted(s.name);
        break;
      case 'index':
        out += s.index >= 0 ? `[${s.index}]` : s.index === -1 ? '[-1:]' : `[${s.index}:${s.index + 1}]`;
        break;
      case 'wildcard':
        out += '[*]';
        break;
      case 'union':
        out += `[${s.members.map((m) => (typeof m === 'number' ? String(m) : `'${m}'`)).join(',')}]`;
        break;
      case 'slice':
        out += `[${s.start ?? ''}:${s.end ?? ''}]`;
        break;
      case 'descend':
        out += s.name === undefined ? '..*' : `..${quoted(s.name)}`;
        break;
    }
  }
  return out;
}

/** True when `value` nests deeper than `limit` (iterative, bounded by the value's size). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= limit) return true;
    for (const key of Object.keys(v)) stack.push([(v as Record<string, unknown>)[key], depth + 1]);
  }
  return false;
}

/**
 * Selects every match of a non-simple path. No match is `{ found: false }`; otherwise the
 * matches as an array, in document order.
 */
export function evaluateComplexPath(segments: readonly PathSegment[], value: unknown): Selection {
  if (typeof value !== 'object' || value === null) return { found: false };
  if (segments.some((s) => s.kind === 'descend') && nestsDeeperThan(value, MAX_DESCENT_DEPTH)) return { found: false };
  const matches = JSONPath({ path: toEnginePath(segments), json: value, eval: false, wrap: true }) as unknown[] | undefined;
  if (!Array.isArray(matches) || matches.length === 0) return { found: false };
  return { found: true, value: matches };
}
