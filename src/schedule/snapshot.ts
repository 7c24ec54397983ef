/**
 * Snapshots: the one place the engine reads a value it did not make (a tool's result, a call's
 * args). Plain objects and arrays (and Proxies, whatever they claim to be) are copied into
 * frozen plain data, iteratively and with bounds, so that
 *
 * - a tool that mutates its args, or a result it received, changes nothing outside itself
 *   (not the call that produced it, not another call, not a reused compiled plan);
 * - what reading can do (a getter or a Proxy trap that throws, a cycle, nesting tens of
 *   thousands deep, a huge sparse array) happens here, once, and ends the call with a code;
 *   a cycle or a shared part is copied as a cycle or a shared part (each object is read once);
 *   everything later (fills, coalescing keys, events, serialization) reads plain data.
 *
 * Other objects (class instances, `Date`, `Map`, typed arrays, functions) are kept as they are:
 * they are not JSON data, are never coalesced, and a tool that passes them on shares them.
 */
import { types } from 'node:util';

/** Deepest value a snapshot copies. @default 1000 */
export const MAX_SNAPSHOT_DEPTH = 1000;
/** Most object entries and array elements a snapshot copies. @default 10000000 */
export const MAX_SNAPSHOT_ENTRIES = 10_000_000;

/** Why a value could not be snapshotted (the caller turns it into the call's error). */
export class UnreadableValue extends Error {
  override readonly name = 'UnreadableValue';
}

/** Copies made by the general walk: frozen, plain, and reused as they are when met again (flat copies are not kept here; see flatCopy). */
const sealed = new WeakSet<object>();

/** How many values snapshots copied in this process (work counter for tests). */
export const snapshotWork = { copied: 0 };

interface Frame {
  /** Where the copy goes: `parent[key]`, or the root when `parent` is undefined. */
  readonly parent: Record<string, unknown> | unknown[] | undefined;
  readonly key: string | number;
  readonly value: unknown;
  readonly depth: number;
  /** Set on a frame that closes `value`'s copy (freezes it once its children are in). */
  readonly leave: boolean;
}

function isPlain(value: object): boolean {
  if (types.isProxy(value)) return true; // copied through its traps: what comes out is plain
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function put(parent: Record<string, unknown> | unknown[], key: string | number, v: unknown): void {
  // An own data property, whatever the key (`__proto__` included): nothing inherited is followed.
  if (key === '__proto__') Object.defineProperty(parent, key, { value: v, enumerable: true, writable: true, configurable: true });
  else (parent as Record<string | number, unknown>)[key] = v;
}

/**
 * True when `value` is a primitive or a snapshot made by the general walk: it can be shared
 * without a copy (a flat snapshot is frozen too, but is copied again if met again).
 */
export function isSealed(value: unknown): boolean {
  return typeof value !== 'object' || value === null || sealed.has(value);
}

/**
 * Returns `value` as frozen plain data. Throws {@link UnreadableValue} when it cannot be read
 * (a getter or trap throws, deeper than {@link MAX_SNAPSHOT_DEPTH}, more than
 * {@link MAX_SNAPSHOT_ENTRIES} entries). Never recurses on the JS stack.
 *
 * @example
 * const s = snapshot({ a: [1, { b: 2 }] }) // deep-frozen copy
 * Object.isFrozen(s.a[1]) // true
 */
export function snapshot(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || sealed.has(value)) return value;
  try {
    return flatCopy(value) ?? copy(value);
  } catch (error) {
    if (error instanceof UnreadableValue) throw error;
    // Anything else came from the value itself (a getter, a trap) or from its size (the stack, memory).
    let why: string;
    try {
      why = error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
    } catch {
      why = 'an unreadable error';
    }
    throw new UnreadableValue(`reading it threw (${why.slice(0, 200)})`);
  }
}

/**
 * The common case the short way: a plain object (not a Proxy) whose values are primitives,
 * snapshots already, or arrays of those (args of a call, most results), or such an array.
 * `undefined` when it is anything else (then {@link copy} does the general walk).
 */
function flatCopy(value: object): object | undefined {
  if (Array.isArray(value)) return flatArray(value);
  if (types.isProxy(value)) return undefined;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype) return undefined;
  const keys = Object.keys(value);
  if (keys.length > 64) return undefined;
  const made: Record<string, unknown> = {};
  // Arrays met in this object and their copies: a shared array stays shared in the copy.
  let from: unknown[] | undefined;
  let to: unknown[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (k === '__proto__') return undefined;
    let v = (value as Record<string, unknown>)[k];
    if (typeof v === 'object' && v !== null && !sealed.has(v)) {
      if (!Array.isArray(v)) return undefined;
      const at = from === undefined ? -1 : from.indexOf(v);
      if (at !== -1) v = (to as unknown[])[at];
      else {
        const source = v;
        v = flatArray(source);
        if (v === undefined) return undefined;
        (from ??= []).push(source);
        (to ??= []).push(v);
      }
    }
    made[k] = v;
  }
  snapshotWork.copied++;
  // Not added to `sealed`: a WeakSet insert per call costs more (GC of its ephemerons) than
  // copying a flat value again in the rare case it is met again.
  Object.freeze(made);
  return made;
}

/** An array (not a Proxy) of at most 64 primitives or snapshots, copied and frozen; else `undefined`. */
function flatArray(value: unknown[]): unknown[] | undefined {
  if (types.isProxy(value)) return undefined;
  const length = value.length;
  if (length > 64) return undefined;
  const made = new Array<unknown>(length);
  for (let i = 0; i < length; i++) {
    const v = value[i];
    if (typeof v === 'object' && v !== null && !sealed.has(v)) return undefined;
    made[i] = v;
  }
  snapshotWork.copied++;
  // Not added to `sealed`: a WeakSet insert per call costs more (GC of its ephemerons) than
  // copying a flat value again in the rare case it is met again.
  Object.freeze(made);
  return made;
}

function copy(root: object): unknown {
  const copies = new Map<object, object>();
  const stack: Frame[] = [{ parent: undefined, key: 0, value: root, depth: 0, leave: false }];
  let out: unknown;
  let entries = 0;
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const value = frame.value;
    if (frame.leave) {
      const made = copies.get(value as object) as object;
      Object.freeze(made);
      sealed.add(made);
      continue;
    }
    let v: unknown = value;
    if (typeof value === 'object' && value !== null && !sealed.has(value) && isPlain(value)) {
      const seen = copies.get(value);
      if (seen !== undefined) {
        // Shared parts stay shared and cycles stay cycles (of copies): each object is read once.
        v = seen;
      } else {
        if (frame.depth >= MAX_SNAPSHOT_DEPTH) throw new UnreadableValue(`it nests deeper than ${MAX_SNAPSHOT_DEPTH} levels`);
        snapshotWork.copied++;
        const depth = frame.depth + 1;
        let made: Record<string, unknown> | unknown[];
        if (Array.isArray(value)) {
          const length = value.length;
          if (!(length <= MAX_SNAPSHOT_ENTRIES - entries)) throw new UnreadableValue(`it has more than ${MAX_SNAPSHOT_ENTRIES} entries`);
          entries += length;
          made = new Array<unknown>(length);
          copies.set(value, made);
          stack.push({ parent: undefined, key: 0, value, depth, leave: true });
          for (let i = length - 1; i >= 0; i--) stack.push({ parent: made, key: i, value: (value as unknown[])[i], depth, leave: false });
        } else {
          const proto = types.isProxy(value) ? Object.prototype : (Object.getPrototypeOf(value) as object | null);
          made = proto === null ? (Object.create(null) as Record<string, unknown>) : {};
          const keys = Object.keys(value);
          if (!(keys.length <= MAX_SNAPSHOT_ENTRIES - entries)) throw new UnreadableValue(`it has more than ${MAX_SNAPSHOT_ENTRIES} entries`);
          entries += keys.length;
          copies.set(value, made);
          stack.push({ parent: undefined, key: 0, value, depth, leave: true });
          for (let i = keys.length - 1; i >= 0; i--) {
            const k = keys[i] as string;
            stack.push({ parent: made, key: k, value: (value as Record<string, unknown>)[k], depth, leave: false });
          }
        }
        v = made;
      }
    }
    if (frame.parent === undefined) out = v;
    else put(frame.parent, frame.key, v);
  }
  return out;
}
