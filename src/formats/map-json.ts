/**
 * An iterative (explicit-stack) copy of a JSON value with hooks for strings and objects.
 * Objects are rebuilt with own data properties only (`__proto__` stays an ordinary key).
 */

/** Hooks of {@link mapJson}. Return `undefined` to keep (and, for objects, descend into) the value. */
export interface MapJsonHooks {
  /** Called for every string; the return value replaces it (any JSON value). */
  readonly string?: (value: string) => unknown;
  /** Called for every non-array object before descending; a non-undefined return replaces it. */
  readonly object?: (value: Readonly<Record<string, unknown>>) => unknown;
}

/** Sets an own enumerable data property, safe for keys such as `__proto__`. */
export function defineKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

interface Frame {
  readonly source: unknown;
  readonly assign: (value: unknown) => void;
}

/**
 * Copies `value`, replacing strings and objects as the hooks say. Never recurses.
 *
 * @example
 * mapJson({ a: ['x'] }, { string: (s) => s.toUpperCase() }) // { a: ['X'] }
 */
export function mapJson(value: unknown, hooks: MapJsonHooks): unknown {
  let out: unknown;
  const stack: Frame[] = [{ source: value, assign: (v) => (out = v) }];
  for (;;) {
    const frame = stack.pop();
    if (frame === undefined) break;
    const { source } = frame;
    if (typeof source === 'string') {
      const replaced = hooks.string?.(source);
      frame.assign(replaced === undefined ? source : replaced);
      continue;
    }
    if (typeof source !== 'object' || source === null) {
      frame.assign(source);
      continue;
    }
    if (Array.isArray(source)) {
      const copy: unknown[] = new Array<unknown>(source.length);
      frame.assign(copy);
      for (let i = source.length - 1; i >= 0; i--) {
        stack.push({ source: source[i], assign: (v) => (copy[i] = v) });
      }
      continue;
    }
    const record = source as Record<string, unknown>;
    const replaced = hooks.object?.(record);
    if (replaced !== undefined) {
      frame.assign(replaced);
      continue;
    }
    const copy: Record<string, unknown> = {};
    frame.assign(copy);
    const keys = Object.keys(record);
    // Keys are defined in the source's order first (a key's position is fixed when it is
    // defined), then their values are filled as the stack reaches them: the copy keeps the
    // order the model wrote, at every depth.
    for (const key of keys) defineKey(copy, key, undefined);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      stack.push({ source: record[key], assign: (v) => defineKey(copy, key, v) });
    }
  }
  return out;
}
