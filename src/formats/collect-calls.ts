/**
 * A format-neutral call collector, for frameworks that hand over whole calls
 * (`{ id, name, args }` or `{ id, name, argsJson }`) instead of a provider response: safe unique
 * ids, arguments parsed and checked, positional references (`${1}` = the first call) and
 * mapped provider ids rewritten, and every unusable call kept as a {@link MalformedCall}.
 */
import type { CallIdMap, FormatItem, ParseOptions, ParsedResponse } from './format-types.js';
import { ResponseBuilder } from './response-builder.js';

/** One call as a framework hands it over. */
export interface NeutralCall {
  /** The framework's call id (any string; unsafe ids are mapped, duplicates become malformed). */
  readonly id?: unknown;
  /** The tool's name. */
  readonly name: unknown;
  /** The arguments, already parsed. Ignored when `argsJson` is a string. */
  readonly args?: unknown;
  /** The arguments as JSON text (as models stream them). */
  readonly argsJson?: unknown;
}

/** Collects the calls of one model step, one at a time, in order. */
export interface CallCollector {
  /** Reads one call; returns it as a plan call, or as a malformed call that says what is wrong. */
  add(call: NeutralCall): FormatItem;
  /** Toolgraph id ↔ the framework's id, for handing results back. */
  readonly ids: CallIdMap;
  /** Everything collected so far. `format` is `'plan'`: the calls carry no provider wrapping. */
  result(): ParsedResponse;
}

/**
 * A collector for the calls of one step.
 *
 * @example
 * const collector = createCallCollector()
 * collector.add({ id: 'call_a', name: 'search', argsJson: '{"q":"limits"}' })
 * collector.add({ id: 'call_b', name: 'read', args: { path: '${1.hits[0]}' } })
 * // → { id: 'call_b', tool: 'read', args: { path: '${call_a.hits[0]}' } }
 */
export function createCallCollector(options: ParseOptions = {}): CallCollector {
  const builder = new ResponseBuilder('plan', options);
  let position = 0;
  return {
    ids: builder.ids,
    add(call) {
      const location = `calls[${position++}]`;
      const json = call.argsJson;
      if (typeof json === 'string') return builder.add({ providerId: call.id, tool: call.name, args: { kind: 'json', text: json }, location, argsKey: 'argsJson' });
      if (json !== undefined && json !== null) {
        return builder.add({ providerId: call.id, tool: call.name, args: { kind: 'value', value: {} }, location, problem: `"argsJson" must be a string of JSON, got ${typeof json}` });
      }
      return builder.add({ providerId: call.id, tool: call.name, args: { kind: 'value', value: call.args }, location, argsKey: 'args' });
    },
    result: () => builder.result(),
  };
}

/**
 * Collects a whole step's calls at once.
 *
 * @example
 * const parsed = collectCalls([{ id: 'a', name: 'search', args: { q: 'x' } }, { id: 'b', name: 'read', argsJson: '{' }])
 * parsed.calls    // [{ id: 'a', tool: 'search', args: { q: 'x' } }]
 * parsed.problems // [{ id: 'b', tool: 'read', error: { code: 'MALFORMED_CALL', message: 'calls[1].argsJson: the arguments are not valid JSON ...' } }]
 */
export function collectCalls(calls: readonly NeutralCall[], options: ParseOptions = {}): ParsedResponse {
  const collector = createCallCollector(options);
  for (const call of calls) collector.add(call);
  return collector.result();
}
