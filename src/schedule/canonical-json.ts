/**
 * Canonical JSON: object keys sorted, no whitespace. Equal values give equal text, so it keys
 * coalescing and idempotency keys. Iterative, with a depth bound; cycles are refused.
 */
import { ToolgraphError } from '../errors.js';

/** Deepest value accepted. @default 256 */
export const MAX_CANONICAL_DEPTH = 256;

type Frame = { kind: 'value'; value: unknown; depth: number } | { kind: 'text'; text: string } | { kind: 'leave'; value: object };

/** Throws unless `value` is one JSON represents faithfully (see {@link canonicalJson}'s `exact`). */
function notExact(value: unknown): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (Number.isFinite(value)) return;
      break;
    case 'object': {
      if (value === null || Array.isArray(value)) return;
      const proto = Object.getPrototypeOf(value) as unknown;
      if ((proto === Object.prototype || proto === null) && !('toJSON' in value)) return;
      break;
    }
    default:
      break;
  }
  throw new ToolgraphError('INVALID_ARGS', `value is not plain JSON data (${typeof value})`);
}

/**
 * Serializes a value canonically. With `exact`, only values JSON represents faithfully are
 * accepted (plain objects and arrays of strings, finite numbers, booleans and null): a Map, a
 * Set, a BigInt, NaN or Infinity, `undefined`, a function, a symbol, a class instance or a
 * `toJSON` throws `INVALID_ARGS`, so two values with equal text are equal values (coalescing).
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(root: unknown, exact = false): string {
  let out = '';
  const open = new Set<object>();
  const stack: Frame[] = [{ kind: 'value', value: root, depth: 0 }];
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    if (frame.kind === 'text') {
      out += frame.text;
      continue;
    }
    if (frame.kind === 'leave') {
      open.delete(frame.value);
      continue;
    }
    const { value, depth } = frame;
    if (exact) notExact(value);
    if (value === null || typeof value === 'boolean') {
      out += String(value);
    } else if (typeof value === 'number') {
      out += Number.isFinite(value) ? JSON.stringify(value) : 'null';
    } else if (typeof value === 'string') {
      out += JSON.stringify(value);
    } else if (typeof value === 'bigint') {
      out += JSON.stringify(value.toString());
    } else if (typeof value === 'object') {
      if (depth >= MAX_CANONICAL_DEPTH) throw new ToolgraphError('INVALID_ARGS', `value nests deeper than ${MAX_CANONICAL_DEPTH} levels`);
      if (open.has(value)) throw new ToolgraphError('INVALID_ARGS', 'value contains a cycle');
      open.add(value);
      stack.push({ kind: 'leave', value });
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function' && !Array.isArray(value)) {
        stack.push({ kind: 'value', value: (toJSON as () => unknown).call(value), depth: depth + 1 });
        continue;
      }
      if (Array.isArray(value)) {
        stack.push({ kind: 'text', text: ']' });
        for (let i = value.length - 1; i >= 0; i--) {
          stack.push({ kind: 'value', value: value[i] === undefined && !exact ? null : value[i], depth: depth + 1 });
          if (i > 0) stack.push({ kind: 'text', text: ',' });
        }
        out += '[';
      } else {
        const keys = Object.keys(value)
          .filter((k) => {
            const v = (value as Record<string, unknown>)[k];
            return exact || (v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
          })
          .sort();
        stack.push({ kind: 'text', text: '}' });
        for (let i = keys.length - 1; i >= 0; i--) {
          const k = keys[i] as string;
          stack.push({ kind: 'value', value: (value as Record<string, unknown>)[k], depth: depth + 1 });
          stack.push({ kind: 'text', text: `${i > 0 ? ',' : ''}${JSON.stringify(k)}:` });
        }
        out += '{';
      }
    } else {
      out += 'null';
    }
  }
  return out;
}
