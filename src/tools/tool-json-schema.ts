/**
 * A tool's input and output as JSON Schema: the raw `inputJsonSchema` / `outputJsonSchema` a
 * tool may carry (JSON-Schema and MCP-shaped tools), else its zod 4 schema converted, else any
 * Standard Schema that offers JSON Schema, else `undefined` (the caller says "any object").
 */
import { z } from 'zod';

/** A JSON Schema object, as plain data. */
export type JsonSchema = Record<string, unknown>;

/**
 * The fields read from a tool. Read defensively: `inputJsonSchema` / `outputJsonSchema` are
 * optional raw schemas some tools carry; `input` / `output` may be zod or another Standard Schema.
 */
interface SchemaCarrier {
  readonly input?: unknown;
  readonly output?: unknown;
  readonly inputJsonSchema?: unknown;
  readonly outputJsonSchema?: unknown;
}

function isPlainObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys zod adds that a model never needs (they only make declarations longer). */
function tidy(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, ...rest } = schema;
  return rest;
}

/** Drops the safe-integer bounds zod writes on every `.int()`: they tell a model nothing. */
function dropSafeIntegerBounds(node: unknown, depth = 0): void {
  if (depth > 64 || typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const item of node) dropSafeIntegerBounds(item, depth + 1);
    return;
  }
  const record = node as Record<string, unknown>;
  if (record['maximum'] === Number.MAX_SAFE_INTEGER) delete record['maximum'];
  if (record['minimum'] === Number.MIN_SAFE_INTEGER) delete record['minimum'];
  for (const key of Object.keys(record)) {
    if (key === 'enum' || key === 'const' || key === 'default' || key === 'examples') continue;
    dropSafeIntegerBounds(record[key], depth + 1);
  }
}

function fromZod(schema: unknown, io: 'input' | 'output'): JsonSchema | undefined {
  const zodLike = schema as { _zod?: unknown };
  if (typeof zodLike !== 'object' || zodLike === null || zodLike._zod === undefined) return undefined;
  try {
    const generated = z.toJSONSchema(schema as z.ZodType, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
    const out = tidy(generated);
    dropSafeIntegerBounds(out);
    return out;
  } catch {
    return undefined;
  }
}

/** The Standard JSON Schema interface (`schema['~standard'].jsonSchema.input(...)`). */
function fromStandard(schema: unknown, io: 'input' | 'output'): JsonSchema | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const standard = (schema as { '~standard'?: { jsonSchema?: Record<string, unknown> } })['~standard'];
  const convert = standard?.jsonSchema?.[io];
  if (typeof convert !== 'function') return undefined;
  try {
    const out: unknown = (convert as (options: { target: string }) => unknown).call(standard?.jsonSchema, { target: 'draft-2020-12' });
    return isPlainObject(out) ? tidy(out) : undefined;
  } catch {
    return undefined;
  }
}

function schemaOf(tool: unknown, raw: 'inputJsonSchema' | 'outputJsonSchema', field: 'input' | 'output'): JsonSchema | undefined {
  if (typeof tool !== 'object' || tool === null) return undefined;
  const carrier = tool as SchemaCarrier;
  const given = carrier[raw];
  if (isPlainObject(given)) return structuredClone(given);
  const schema = carrier[field];
  if (schema === undefined) return undefined;
  return fromZod(schema, field) ?? fromStandard(schema, field);
}

/**
 * The JSON Schema of a tool's arguments, or `undefined` when it has none (any object).
 * Always a fresh copy: callers may change it.
 *
 * @example
 * inputJsonSchemaOf(defineTool({ name: 'w', input: z.object({ city: z.string() }), execute }))
 * // { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }
 */
export function inputJsonSchemaOf(tool: unknown): JsonSchema | undefined {
  return schemaOf(tool, 'inputJsonSchema', 'input');
}

/**
 * The JSON Schema of what a tool returns, or `undefined` when it does not say.
 *
 * @example
 * outputJsonSchemaOf(search) // { type: 'object', properties: { hits: { type: 'array', ... } }, ... }
 */
export function outputJsonSchemaOf(tool: unknown): JsonSchema | undefined {
  return schemaOf(tool, 'outputJsonSchema', 'output');
}
