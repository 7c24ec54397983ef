/**
 * Positional arguments (`get_weather("Paris")`) → named ones (`{ city: "Paris" }`), by the
 * parameter order of the tool's input schema. A position that cannot be named is a problem the
 * call is reported with, never a silent key `"0"`.
 */
import { toolRegistry } from '../tools/define-tool.js';
import { inputJsonSchemaOf } from '../tools/tool-json-schema.js';
import type { ToolsInput } from '../tools/tool-types.js';
import { defineKey } from './map-json.js';

/** Parameter names by tool, in positional order. */
export type Signatures = Readonly<Record<string, readonly string[]>> | ReadonlyMap<string, readonly string[]>;

/**
 * The parameter names of a tool in positional order: its input schema's properties in the order
 * they are declared. `undefined` when the tool has no object schema with properties.
 *
 * @example
 * parameterNames(defineTool({ name: 'w', input: z.object({ city: z.string(), days: z.number() }), execute }))
 * // ['city', 'days']
 */
export function parameterNames(tool: unknown): readonly string[] | undefined {
  const schema = inputJsonSchemaOf(tool);
  const properties = schema?.['properties'];
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) return undefined;
  return Object.keys(properties);
}

/**
 * Signatures of every tool, for the LLMCompiler parsers (`signatures` option) and the CLI.
 *
 * @example
 * parseLLMCompiler(text, { signatures: signaturesOf(tools) })
 */
export function signaturesOf(tools: ToolsInput): ReadonlyMap<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const tool of toolRegistry(tools).values()) {
    const names = parameterNames(tool);
    if (names !== undefined) out.set(tool.name, names);
  }
  return out;
}

/** Looks a tool's names up in signatures given as a record or a map. */
export function signatureOf(signatures: Signatures | undefined, tool: string): readonly string[] | undefined {
  if (signatures === undefined) return undefined;
  if (signatures instanceof Map) return signatures.get(tool);
  return Object.hasOwn(signatures, tool) ? (signatures as Record<string, readonly string[]>)[tool] : undefined;
}

/** Named arguments, and the problem when a position could not be named. */
export interface MappedArgs {
  /** The arguments by name (positions that could not be named are left out). */
  readonly args: Record<string, unknown>;
  /** What is wrong, for the call's error. */
  readonly problem: string | undefined;
}

/**
 * Names positional arguments and adds keyword ones.
 *
 * @example
 * mapPositionalArgs('get_weather', ['Paris'], [], ['city']) // { args: { city: 'Paris' }, problem: undefined }
 * mapPositionalArgs('get_weather', ['Paris'], [], undefined).problem
 * // 'get_weather has positional arguments but its parameter names are unknown: write them by name, e.g. get_weather(name=...), or give the parser the tools'
 */
export function mapPositionalArgs(
  tool: string,
  positional: readonly unknown[],
  keywords: readonly (readonly [string, unknown])[],
  names: readonly string[] | undefined,
): MappedArgs {
  const args: Record<string, unknown> = {};
  let problem: string | undefined;
  if (positional.length > 0 && names === undefined) {
    problem = `${tool} has positional arguments but its parameter names are unknown: write them by name, e.g. ${tool}(name=...), or give the parser the tools (or signatures)`;
  } else if (names !== undefined && positional.length > names.length) {
    problem =
      names.length === 0
        ? `${tool} takes no positional arguments; ${positional.length} were given`
        : `${tool} takes ${names.length} positional argument${names.length === 1 ? '' : 's'} (${names.join(', ')}); ${positional.length} were given`;
  }
  if (names !== undefined) positional.forEach((value, i) => {
    const name = names[i];
    if (name !== undefined) defineKey(args, name, value);
  });
  for (const [key, value] of keywords) {
    if (Object.hasOwn(args, key)) problem ??= `argument "${key}" is given both by position and by name`;
    defineKey(args, key, value);
  }
  return { args, problem };
}
