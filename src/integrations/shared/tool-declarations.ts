/**
 * The JSON Schema of a tool's arguments as handed to a framework: the tool's own schema, with
 * every typed field widened to also admit a placeholder (`"${id.path}"` or
 * `{ "$ref": id, "path"?: ... }`), so the framework's own schema check lets a dependent call
 * through to toolgraph, which fills it and checks the real values against the real schema.
 *
 * This is the one local place that builds declarations; it is meant to be swapped for the
 * protocol's `toolDeclarations` once that lands.
 */
import { z } from 'zod';
import type { ToolLike } from '../../tools/tool-types.js';

/** A JSON Schema object. */
export type JsonSchemaObject = Record<string, unknown>;

/** A string holding at least one `${...}` placeholder. */
const TEMPLATE: JsonSchemaObject = { type: 'string', pattern: '\\$\\{[^}]+\\}', description: 'A placeholder: ${id.path} is replaced by that path of the result of the call with that id.' };
/** An object reference. */
const REF: JsonSchemaObject = {
  type: 'object',
  properties: { $ref: { type: 'string', description: 'Id of an earlier call.' }, path: { type: 'string', description: 'JSONPath into its result, e.g. $.items[0].id' } },
  required: ['$ref'],
  description: 'A placeholder: replaced by (a path of) the result of the call with that id.',
};

/** Nesting below which a schema is taken as it is (schemas are written by developers; this only bounds the walk). */
const MAX_DEPTH = 32;
const SUBSCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;

function isObject(value: unknown): value is JsonSchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for a schema every string already satisfies (no need to widen it). */
function admitsAnyString(schema: JsonSchemaObject): boolean {
  if (schema['type'] !== 'string') return false;
  return !['enum', 'const', 'pattern', 'format', 'minLength', 'maxLength'].some((key) => Object.hasOwn(schema, key));
}

function widenInside(schema: JsonSchemaObject, depth: number): JsonSchemaObject {
  if (depth > MAX_DEPTH) return schema;
  const out: JsonSchemaObject = { ...schema };
  const properties = schema['properties'];
  if (isObject(properties)) {
    const next: JsonSchemaObject = {};
    for (const key of Object.keys(properties)) {
      const value = properties[key];
      Object.defineProperty(next, key, { value: isObject(value) ? widen(value, depth + 1) : value, enumerable: true, writable: true, configurable: true });
    }
    out['properties'] = next;
  }
  const items = schema['items'];
  if (isObject(items)) out['items'] = widen(items, depth + 1);
  const additional = schema['additionalProperties'];
  if (isObject(additional)) out['additionalProperties'] = widen(additional, depth + 1);
  for (const key of SUBSCHEMA_LISTS) {
    const list = schema[key];
    if (Array.isArray(list)) out[key] = list.map((s: unknown) => (isObject(s) ? widenInside(s, depth + 1) : s));
  }
  return out;
}

function widen(schema: JsonSchemaObject, depth: number): JsonSchemaObject {
  const inner = widenInside(schema, depth);
  if (admitsAnyString(inner)) return inner;
  const description = inner['description'];
  return { anyOf: [inner, TEMPLATE, REF], ...(typeof description === 'string' ? { description } : {}) };
}

/**
 * The JSON Schema of a tool's arguments with placeholders admitted in every typed field. A
 * tool without an input schema takes any object.
 *
 * @example
 * placeholderInputSchema(defineTool({ name: 'get', input: z.object({ n: z.number() }), execute }))
 * // { type: 'object', properties: { n: { anyOf: [{ type: 'number' }, <"${id.path}">, <{ $ref }>] } }, required: ['n'] }
 */
export function placeholderInputSchema(tool: ToolLike): JsonSchemaObject {
  if (tool.input === undefined) return { type: 'object', properties: {}, additionalProperties: true };
  const generated = z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' }) as JsonSchemaObject;
  const { $schema: _drop, ...schema } = generated;
  return widenInside(schema, 0);
}
