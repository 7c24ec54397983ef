/**
 * JSON text of untrusted values without recursion: the same text as `JSON.stringify` for what
 * it can represent (toJSON, omitted undefined/functions, `null` for non-finite numbers), built
 * with an explicit stack, bounded in depth and size, and contained: a cycle, a BigInt, or a
 * getter / Proxy trap / `toJSON` that throws is a {@link PathFault}, never an exception.
 * Optionally escapes C1 controls and bidi/line-separator characters (for terminals).
 */
import { PathFault, thrownText } from './path-fault.js';
import { addSteps } from './work-steps.js';

/** Options of {@link boundedJson}. */
export interface BoundedJsonOptions {
  /** Spaces of indentation (as `JSON.stringify`'s third argument). @default 0 */
  readonly indent?: number;
  /** Deepest nesting written. @default 1000 */
  readonly maxDepth?: number;
  /** Longest text written, in characters. @default 16777216 */
  readonly maxChars?: number;
  /**
   * Escape C1 controls (U+0080–U+009F), bidi controls (U+061C, U+200E/F, U+202A–U+202E,
   * U+2066–U+2069) and U+2028/U+2029 as `\uXXXX` (still valid JSON, same value). @default false
   */
  readonly escapeUnsafe?: boolean;
  /**
   * `fault`: any problem makes the whole result a fault. `mark`: a value that cannot be written
   * (a cycle, too deep, a throwing getter) is written as a string such as `"[unserializable: cyclic]"`
   * and the rest goes on (size overruns are still faults). @default 'fault'
   */
  readonly onProblem?: 'fault' | 'mark';
  /** Write object keys in sorted order (a stable order for people to read). @default false */
  readonly sortKeys?: boolean;
}

/** Characters {@link BoundedJsonOptions.escapeUnsafe} escapes. */
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_JSON = /[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function hex4(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A JSON string literal; with `escapeUnsafe`, C1/bidi characters escaped. */
export function jsonString(text: string, escapeUnsafe = false): string {
  const quoted = JSON.stringify(text);
  return escapeUnsafe ? quoted.replace(UNSAFE_IN_JSON, hex4) : quoted;
}

/** Deepest level written indented when `indent` is set; deeper levels are compact. */
export const MAX_INDENTED_DEPTH = 64;

const EXIT = 0;
const TEXT = 1;
const VALUE = 2;
type Task = { readonly t: typeof EXIT; readonly o: object } | { readonly t: typeof TEXT; readonly s: string } | { readonly t: typeof VALUE; readonly v: unknown; readonly d: number };

class Problem {
  constructor(readonly why: string) {}
}

/** The value JSON.stringify writes for `value` held under `key`: after toJSON, boxed primitives unwrapped. */
function prepared(value: unknown, key: string): unknown {
  let v = value;
  if ((typeof v === 'object' && v !== null) || typeof v === 'bigint') {
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') v = (toJSON as (k: string) => unknown).call(v, key);
  }
  if (v instanceof Number) return Number(v);
  if (v instanceof String) return String(v);
  if (v instanceof Boolean) return v.valueOf();
  return v;
}

function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/**
 * The JSON text of `value`, or `undefined` where `JSON.stringify` gives `undefined` (a
 * function, a symbol, undefined), or a {@link PathFault} (`UNREADABLE_RESULT`). Never throws,
 * never recurses.
 *
 * @example
 * boundedJson({ a: [1, 'x'] })            // '{"a":[1,"x"]}'
 * const o: Record<string, unknown> = {}; o.self = o
 * boundedJson(o) instanceof PathFault     // true (cyclic)
 */
export function boundedJson(value: unknown, options: BoundedJsonOptions = {}): string | undefined | PathFault {
  const indent = ' '.repeat(Math.min(Math.max(options.indent ?? 0, 0), 10));
  const maxDepth = options.maxDepth ?? 1000;
  const maxChars = options.maxChars ?? 16_777_216;
  const escape = options.escapeUnsafe === true;
  const mark = options.onProblem === 'mark';
  const out: string[] = [];
  let size = 0;
  let steps = 0;
  const onPath = new Set<object>();
  const emit = (s: string): void => {
    out.push(s);
    size += s.length;
    if (size > maxChars) throw new PathFault('UNREADABLE_RESULT', `the value is over ${maxChars} characters as JSON`);
  };
  // Indentation stops growing past MAX_INDENTED_DEPTH (deeper levels are written compact), so
  // the text of a deep value stays linear in its size.
  const newline = (depth: number): string => (indent === '' || depth > MAX_INDENTED_DEPTH ? '' : `\n${indent.repeat(depth)}`);
  const stack: Task[] = [];
  const fail = (why: string): void => {
    if (!mark) throw new Problem(why);
    emit(jsonString(`[unserializable: ${why}]`));
  };
  /** Reads `holder[key]` and prepares it; a throw becomes a marked problem (or the fault). */
  const read = (holder: object, key: string): unknown => prepared((holder as Record<string, unknown>)[key], key);
  try {
    let top: unknown;
    try {
      top = prepared(value, '');
    } catch (error) {
      if (!mark) throw new Problem(`reading it threw: ${thrownText(error)}`);
      return jsonString(`[unserializable: reading it threw]`);
    }
    if (omitted(top)) return undefined;
    stack.push({ t: VALUE, v: top, d: 0 });
    while (stack.length > 0) {
      const task = stack.pop() as Task;
      steps++;
      if (task.t === TEXT) {
        emit(task.s);
        continue;
      }
      if (task.t === EXIT) {
        onPath.delete(task.o);
        continue;
      }
      const v = task.v;
      const d = task.d;
      if (v === null) emit('null');
      else if (typeof v === 'boolean') emit(v ? 'true' : 'false');
      else if (typeof v === 'number') emit(Number.isFinite(v) ? String(v) : 'null');
      else if (typeof v === 'string') emit(jsonString(v, escape));
      else if (typeof v === 'bigint') fail('a BigInt');
      else if (omitted(v)) emit('null');
      else {
        const o = v as object;
        if (onPath.has(o)) {
          fail('cyclic');
          continue;
        }
        if (d >= maxDepth) {
          fail(`nested deeper than ${maxDepth} levels`);
          continue;
        }
        // Read every entry first, so a throwing getter is marked in place (not half written).
        const entries: [string | undefined, unknown][] = [];
        const isArray = Array.isArray(o);
        try {
          if (isArray) {
            const n = (o as unknown[]).length;
            for (let i = 0; i < n; i++) {
              const item = read(o, String(i));
              entries.push([undefined, omitted(item) ? null : item]);
            }
          } else {
            const keys = Object.keys(o);
            if (options.sortKeys === true) keys.sort();
            for (const key of keys) {
              const item = read(o, key);
              if (!omitted(item)) entries.push([key, item]);
            }
          }
        } catch (error) {
          if (error instanceof PathFault) throw error;
          fail(`reading it threw: ${thrownText(error)}`);
          continue;
        }
        steps += entries.length;
        if (entries.length === 0) {
          emit(isArray ? '[]' : '{}');
          continue;
        }
        onPath.add(o);
        emit(isArray ? '[' : '{');
        stack.push({ t: EXIT, o }, { t: TEXT, s: `${newline(d)}${isArray ? ']' : '}'}` });
        for (let i = entries.length - 1; i >= 0; i--) {
          const [key, item] = entries[i] as [string | undefined, unknown];
          stack.push({ t: VALUE, v: item, d: d + 1 });
          const head = `${i > 0 ? ',' : ''}${newline(d + 1)}${key === undefined ? '' : `${jsonString(key, escape)}:${indent === '' ? '' : ' '}`}`;
          stack.push({ t: TEXT, s: head });
        }
      }
    }
    return out.join('');
  } catch (error) {
    if (error instanceof PathFault) return error;
    if (error instanceof Problem) return new PathFault('UNREADABLE_RESULT', `the value cannot be written as JSON: ${error.why}`);
    return new PathFault('UNREADABLE_RESULT', `the value cannot be written as JSON: ${thrownText(error)}`);
  } finally {
    addSteps(steps);
  }
}
