/**
 * Growing the typed arrays the engine keeps by arrival position.
 */

/** A typed array the engine grows. */
export type GrowableArray = Int32Array | Float64Array | Uint8Array;

/**
 * A copy of `array` of the same kind with room for `size` entries (at least twice its length):
 * the entries it had, then zeros.
 *
 * @example
 * grown(Int32Array.of(1, 2), 3) // Int32Array [1, 2, 0, 0]
 */
export function grown<T extends GrowableArray>(array: T, size: number): T {
  const next = new (array.constructor as new (length: number) => T)(Math.max(size, array.length * 2));
  next.set(array);
  return next;
}
