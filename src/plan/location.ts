/**
 * JSON locations such as `calls[3].args.query` or `args["key with space"][0]`,
 * used in every issue and error so a person can find the value that is wrong.
 */

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** One step into a JSON value: an object key or an array index. */
export type LocationSegment = string | number;

/**
 * Appends one segment to a location string.
 *
 * @example
 * appendLocation('calls[2].args', 'query') // 'calls[2].args.query'
 * appendLocation('args', 'a b')            // 'args["a b"]'
 */
export function appendLocation(base: string, segment: LocationSegment): string {
  if (typeof segment === 'number') return `${base}[${segment}]`;
  if (IDENT.test(segment)) return base === '' ? segment : `${base}.${segment}`;
  return `${base}[${JSON.stringify(segment)}]`;
}

/**
 * Formats a list of segments as a location string.
 *
 * @example
 * formatLocation(['calls', 3, 'args', 'query']) // 'calls[3].args.query'
 */
export function formatLocation(segments: readonly LocationSegment[], base = ''): string {
  let out = base;
  for (const segment of segments) out = appendLocation(out, segment);
  return out;
}
