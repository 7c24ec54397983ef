/**
 * The ids a call waits on (its placeholders, then `after`), for traces and reports.
 */
import { parseCall } from './parse-call.js';

/**
 * Ids a raw call depends on; empty when the call is malformed.
 *
 * @example
 * callDeps({ id: 'b', tool: 't', args: { x: '${a.y}' }, after: ['c'] }) // ['a', 'c']
 */
export function callDeps(raw: unknown): string[] {
  return [...(parseCall(raw, 0).call?.deps ?? [])];
}
